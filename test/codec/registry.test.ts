import { describe, expect, test } from "bun:test";
import { createCodecRegistry, createStandardCodecs } from "../../src/codec/registry.ts";
import { rtpTicksFromSamples, samplesFromRtpTicks } from "../../src/codec/types.ts";

describe("codec registry", () => {
  const registry = createCodecRegistry(createStandardCodecs());

  test("lists the standard codecs in the spec's offer order", () => {
    expect(registry.names).toEqual(["pcmu", "pcma", "g722", "opus"]);
  });

  test("finds codecs by rtpmap name case-insensitively with the right clock", () => {
    expect(registry.fromRtpmap("PCMU", 8000)?.name).toBe("pcmu");
    expect(registry.fromRtpmap("pcma", 8000)?.name).toBe("pcma");
    expect(registry.fromRtpmap("G722", 8000)?.name).toBe("g722");
    expect(registry.fromRtpmap("OPUS", 48000)?.name).toBe("opus");
  });

  test("rejects an rtpmap whose clock rate differs or whose name is unknown", () => {
    expect(registry.fromRtpmap("G722", 16000)).toBeUndefined();
    expect(registry.fromRtpmap("opus", 8000)).toBeUndefined();
    expect(registry.fromRtpmap("GSM", 8000)).toBeUndefined();
    expect(registry.fromRtpmap("toString", 8000)).toBeUndefined();
  });

  test("leaves out excluded codecs", () => {
    const r = createCodecRegistry(createStandardCodecs({ exclude: ["opus", "g722"] }));
    expect(r.names).toEqual(["pcmu", "pcma"]);
    expect(r.get("opus")).toBeUndefined();
  });

  test("converts RTP ticks to 8 kHz samples per codec clock (G.722 160, Opus 960 per 20 ms)", () => {
    const g722 = registry.get("g722")!;
    const opus = registry.get("opus")!;
    expect(samplesFromRtpTicks(g722, 160)).toBe(160);
    expect(samplesFromRtpTicks(opus, 960)).toBe(160);
    expect(samplesFromRtpTicks(opus, 2880)).toBe(480);
    expect(rtpTicksFromSamples(opus, 160)).toBe(opus.rtpTicksPer20ms);
    expect(rtpTicksFromSamples(g722, 160)).toBe(g722.rtpTicksPer20ms);
  });
});
