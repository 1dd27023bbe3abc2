/**
 * The root's play-audio loader (src/gateway/media-bridge.ts `createPlayAudioLoader`) behind
 * `POST …/play` (rest-api.md §3): inline PCM, WAV over a (fake) fetch resampled to 8 kHz mono,
 * 400 with the parser's reason, 502 with the fetch failure.
 */
import { describe, expect, test } from "bun:test";
import type { AudioFetchError } from "../../src/api/audio-fetch.ts";
import { createPlayAudioLoader } from "../../src/gateway/media-bridge.ts";
import { err, ok, type Result } from "../../src/lib/result.ts";

/** A canonical 44-byte-header PCM WAV (RIFF/WAVE, fmt tag `tag`, 16-bit). */
function wav(samples: Int16Array, rate: number, channels: number, tag = 1): Uint8Array {
  const data = samples.length * 2;
  const b = new Uint8Array(44 + data);
  const v = new DataView(b.buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) b[at + i] = s.charCodeAt(i);
  };
  text(0, "RIFF");
  v.setUint32(4, 36 + data, true);
  text(8, "WAVE");
  text(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, tag, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  text(36, "data");
  v.setUint32(40, data, true);
  for (let i = 0; i < samples.length; i++) v.setInt16(44 + 2 * i, samples[i]!, true);
  return b;
}

function fetching(r: Result<Uint8Array, AudioFetchError>) {
  return async () => r;
}

describe("play audio loader (rest-api.md §3 …/play)", () => {
  test("decodes inline base64 PCM16 LE as is", async () => {
    const r = await createPlayAudioLoader(fetching(ok(new Uint8Array()))).load({ audio: "AQACAA==" });
    expect(r.ok && [...r.value]).toEqual([1, 2]);
  });

  test("answers 400 invalid_request for odd-length inline PCM", async () => {
    const r = await createPlayAudioLoader(fetching(ok(new Uint8Array()))).load({ audio: "AQAC" });
    expect(!r.ok && r.error.status).toBe(400);
  });

  test("resamples a 16 kHz stereo WAV to 8 kHz mono of half the frames", async () => {
    const r = await createPlayAudioLoader(fetching(ok(wav(new Int16Array(3200), 16000, 2)))).load({
      url: "http://127.0.0.1/a.wav",
    });
    expect(r.ok && r.value.length).toBe(800);
  });

  test("answers 400 with the WAV parser's reason for a non-PCM format tag", async () => {
    const r = await createPlayAudioLoader(fetching(ok(wav(new Int16Array(16), 8000, 1, 85)))).load({
      url: "http://127.0.0.1/a.wav",
    });
    expect(!r.ok && r.error.status).toBe(400);
    expect(!r.ok && r.error.message.toLowerCase()).toContain("format");
  });

  test("answers 502 bad_gateway with the fetch failure's sentence", async () => {
    const r = await createPlayAudioLoader(
      fetching(err({ kind: "status", message: "audio URL answered HTTP 404" })),
    ).load({ url: "http://127.0.0.1/a.wav" });
    expect(!r.ok && r.error.code).toBe("bad_gateway");
    expect(!r.ok && r.error.message).toContain("404");
  });
});
