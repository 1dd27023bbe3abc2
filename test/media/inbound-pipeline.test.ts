import { describe, expect, test } from "bun:test";
import { pcmuCodec } from "../../src/codec/g711.ts";
import { DtmfReceiver } from "../../src/dtmf/receiver.ts";
import { InboundPipeline } from "../../src/media/inbound-pipeline.ts";
import { encodeRtp } from "../../src/rtp/rtp-packet.ts";
import { SrtpContext } from "../../src/srtp/srtp-context.ts";
import { goertzel, tone } from "../support/tone.ts";

const SSRC = 0x5eed;

/** PCMU packets of `ms` each carrying a 1 kHz tone, timestamps continuing. */
function tonePackets(count: number, samplesPer: number, firstSeq = 100): Uint8Array[] {
  const pcm = tone(1000, 8000, count * samplesPer, 8000);
  const enc = pcmuCodec.createEncoder();
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const payload = new Uint8Array(samplesPer);
    // The encoder takes 160-sample frames; encode in 160-sample pieces.
    for (let k = 0; k < samplesPer; k += 160) {
      const body = new Uint8Array(160);
      enc.encode(pcm.subarray(i * samplesPer + k, i * samplesPer + k + 160), body);
      payload.set(body.subarray(0, Math.min(160, samplesPer - k)), k);
    }
    out.push(
      encodeRtp({
        payloadType: 0,
        sequenceNumber: firstSeq + i,
        timestamp: i * samplesPer,
        ssrc: SSRC,
        payload,
      }),
    );
  }
  return out;
}

function collect(p: InboundPipeline): Int16Array[] {
  const frames: Int16Array[] = [];
  p.sink = (f) => frames.push(f.slice());
  return frames;
}

describe("inbound media pipeline", () => {
  test("decodes, reorders and re-frames 30 ms packets into exact 160-sample frames", () => {
    const p = new InboundPipeline({ codec: pcmuCodec, payloadType: 0 });
    const frames = collect(p);
    const packets = tonePackets(10, 240);
    // Swap packets 3 and 4 on the wire.
    const order = [0, 1, 2, 4, 3, 5, 6, 7, 8, 9];
    order.forEach((i, k) => {
      expect(p.receive(packets[i]!, packets[i]!.length, k * 30)).toBe("audio");
      p.playout(k * 30);
    });
    p.playout(1000);
    expect(frames.length).toBe((10 * 240) / 160);
    for (const f of frames) expect(f.length).toBe(160);
    const all = new Int16Array(frames.length * 160);
    frames.forEach((f, i) => {
      all.set(f, i * 160);
    });
    expect(goertzel(all, 1000, 8000)).toBeGreaterThan(6000);
    expect(p.concealed).toBe(0);
  });

  test("conceals a lost packet with the codec's PLC instead of skipping time", () => {
    const p = new InboundPipeline({ codec: pcmuCodec, payloadType: 0 });
    const frames = collect(p);
    const packets = tonePackets(10, 160);
    packets.forEach((pkt, i) => {
      if (i !== 4) p.receive(pkt, pkt.length, i * 20);
      p.playout(i * 20);
    });
    p.playout(1000);
    expect(p.concealed).toBe(1);
    expect(frames.length).toBe(10);
    // The concealed frame continues the tone rather than being silence.
    expect(goertzel(frames[4]!, 1000, 8000)).toBeGreaterThan(1000);
  });

  test("hands telephone-event packets to the DTMF receiver, reports the digit once, never plays them", () => {
    const p = new InboundPipeline({
      codec: pcmuCodec,
      payloadType: 0,
      telephoneEventPayloadType: 101,
      dtmf: new DtmfReceiver(),
    });
    const frames = collect(p);
    const digits: string[] = [];
    p.onDigit = (d) => digits.push(d);
    // Event 5, then three end packets (E bit) with the same timestamp (RFC 4733 §2.5.1.4).
    const flags = [0x0a, 0x0a, 0x8a, 0x8a, 0x8a];
    flags.forEach((f, i) => {
      const ev = encodeRtp({
        payloadType: 101,
        sequenceNumber: 1 + i,
        timestamp: 4000,
        ssrc: SSRC,
        marker: i === 0,
        payload: new Uint8Array([5, f, 0, 160 * (i + 1)]),
      });
      expect(p.receive(ev, ev.length, i * 20)).toBe("event");
    });
    p.playout(500);
    expect(digits).toEqual(["5"]);
    expect(frames.length).toBe(0);
  });

  test("reports a digit whose end packets were all lost once it has been quiet", () => {
    const p = new InboundPipeline({
      codec: pcmuCodec,
      payloadType: 0,
      telephoneEventPayloadType: 101,
      dtmf: new DtmfReceiver(),
    });
    const digits: string[] = [];
    p.onDigit = (d) => digits.push(d);
    const ev = encodeRtp({
      payloadType: 101,
      sequenceNumber: 1,
      timestamp: 8000,
      ssrc: SSRC,
      payload: new Uint8Array([11, 10, 0, 160]),
    });
    p.receive(ev, ev.length, 0);
    p.playout(100);
    expect(digits).toEqual([]);
    p.playout(400);
    expect(digits).toEqual(["#"]);
  });

  test("drops unknown payload types, garbage and packets failing SRTP authentication", () => {
    const key = {
      suite: "AES_CM_128_HMAC_SHA1_80" as const,
      masterKey: new Uint8Array(16).fill(9),
      masterSalt: new Uint8Array(14).fill(3),
    };
    const p = new InboundPipeline({ codec: pcmuCodec, payloadType: 0, srtp: new SrtpContext(key) });
    const tx = new SrtpContext(key);
    const good = tonePackets(1, 160)[0]!;
    const buf = new Uint8Array(good.length + 10);
    buf.set(good);
    const n = tx.protectRtp(buf, good.length) as number;
    const forged = buf.slice(0, n);
    forged[20] = forged[20]! ^ 1;
    expect(p.receive(forged, n, 0)).toBe("dropped");
    expect(p.receive(buf, n, 0)).toBe("audio");
    const plain = new InboundPipeline({ codec: pcmuCodec, payloadType: 0 });
    const pcma = encodeRtp({
      payloadType: 8,
      sequenceNumber: 1,
      timestamp: 0,
      ssrc: 1,
      payload: new Uint8Array(160),
    });
    expect(plain.receive(pcma, pcma.length, 0)).toBe("dropped");
    expect(plain.receive(new Uint8Array(5), 5, 0)).toBe("dropped");
    expect(plain.dropped).toBe(2);
  });
});
