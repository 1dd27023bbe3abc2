import { afterAll, describe, expect, test } from "bun:test";
import createOpusModule from "opusscript/build/opusscript_native_wasm.js";
import { createOpusCodec, opusHeapBytes } from "../../src/codec/opus.ts";
import type { FrameDecoder, FrameEncoder } from "../../src/codec/types.ts";
import { db, dominantFrequency, goertzel, rms, tone } from "../support/tone.ts";

const codec = createOpusCodec();
const live: Array<FrameEncoder | FrameDecoder> = [];
function encoder(): FrameEncoder {
  const e = codec.createEncoder();
  live.push(e);
  return e;
}
function decoder(): FrameDecoder {
  const d = codec.createDecoder();
  live.push(d);
  return d;
}
afterAll(() => {
  for (const c of live) c.free();
});

/** Encodes and decodes `input` in 20 ms frames; returns the decoded signal. */
function roundTrip(input: Int16Array, enc = encoder(), dec = decoder()): Int16Array {
  const packet = new Uint8Array(1276);
  const frame = new Int16Array(960);
  const output = new Int16Array(input.length);
  for (let f = 0; f + 160 <= input.length; f += 160) {
    const bytes = enc.encode(input.subarray(f, f + 160), packet);
    expect(bytes).toBeGreaterThan(0);
    expect(dec.decode(packet.subarray(0, bytes), frame)).toBe(160);
    output.set(frame.subarray(0, 160), f);
  }
  return output;
}

describe("Opus via opusscript (8 kHz mono)", () => {
  test("a 1 kHz tone round-trips at 1 kHz with its level within ±3 dB", () => {
    const input = tone(1000, 8000, 8000, 10000);
    const tail = roundTrip(input).subarray(4000);
    expect(dominantFrequency(tail, 8000, 100, 3900, 10)).toBe(1000);
    expect(Math.abs(db(goertzel(tail, 1000, 8000), goertzel(input.subarray(4000), 1000, 8000)))).toBeLessThan(
      3,
    );
  });

  test("PLC after a lost packet is neither silent nor louder than the input", () => {
    const input = tone(400, 8000, 4000, 10000);
    const enc = encoder();
    const dec = decoder();
    roundTrip(input, enc, dec);
    const concealed = new Int16Array(160);
    expect(dec.conceal(concealed, 160)).toBe(160);
    expect(rms(concealed)).toBeGreaterThan(0.1 * rms(input));
    // Measured 0.72 × the input level for the first 20 ms of concealment.
    expect(rms(concealed)).toBeLessThanOrEqual(rms(input));
  });

  test("conceals 30 ms as 20 + 10 ms and keeps decoding good packets afterwards", () => {
    const input = tone(600, 8000, 4800, 8000);
    const enc = encoder();
    const dec = decoder();
    const packet = new Uint8Array(1276);
    const frame = new Int16Array(960);
    for (let f = 0; f < 3200; f += 160)
      dec.decode(packet.subarray(0, enc.encode(input.subarray(f, f + 160), packet)), frame);
    expect(dec.conceal(frame, 240)).toBe(240);
    let last = new Int16Array(0);
    for (let f = 3200; f < 4800; f += 160) {
      const n = dec.decode(packet.subarray(0, enc.encode(input.subarray(f, f + 160), packet)), frame);
      expect(n).toBe(160);
      last = frame.slice(0, 160);
    }
    expect(db(goertzel(last, 600, 8000), 8000)).toBeGreaterThan(-3);
  });

  test("concealment before any packet is silence", () => {
    const out = new Int16Array(160).fill(7);
    expect(decoder().conceal(out, 160)).toBe(160);
    expect(rms(out)).toBe(0);
  });

  test("decodes 10, 40 and 60 ms packets to 80, 320 and 480 samples", () => {
    const dec = decoder();
    const out = new Int16Array(960);
    for (const samples of [80, 320, 480]) {
      const enc = encoder();
      const packet = new Uint8Array(1276);
      const bytes = enc.encode(tone(1000, 8000, samples, 8000), packet);
      expect(bytes).toBeGreaterThan(0);
      expect(dec.decode(packet.subarray(0, bytes), out)).toBe(samples);
    }
  });

  test("returns 0 for an empty or corrupt payload instead of throwing", () => {
    const dec = decoder();
    const out = new Int16Array(960);
    expect(dec.decode(new Uint8Array(0), out)).toBe(0);
    // TOC code 3 with a frame count of 0 is invalid (RFC 6716 §3.2.5, R5).
    expect(dec.decode(Uint8Array.of(0x0b, 0x00), out)).toBe(0);
    expect(dec.decode(new Uint8Array(5000), out)).toBe(0);
  });

  test("a freed encoder and decoder refuse work instead of touching freed memory", () => {
    const enc = codec.createEncoder();
    const dec = codec.createDecoder();
    enc.free();
    dec.free();
    expect(enc.encode(new Int16Array(160), new Uint8Array(1276))).toBe(0);
    expect(dec.decode(Uint8Array.of(0x08), new Int16Array(160))).toBe(0);
  });

  test("a codec made before the shared WASM heap grew keeps working after it grew", () => {
    const enc = encoder();
    const dec = decoder();
    const heapBefore = opusHeapBytes();
    // ~170 KB of libopus state per pair: 120 pairs outgrow the initial 16 MB heap.
    const pairs = Array.from({ length: 120 }, () => [codec.createEncoder(), codec.createDecoder()] as const);
    expect(opusHeapBytes()).toBeGreaterThan(heapBefore);
    const out = roundTrip(tone(1000, 8000, 1600, 8000), enc, dec);
    expect(dominantFrequency(out.subarray(800), 8000, 100, 3900, 10)).toBe(1000);
    for (const [e, d] of pairs) {
      e.free();
      d.free();
    }
  });

  test("decodes a stereo 48 kHz packet (opus/48000/2 senders) to mono 8 kHz keeping the tone", () => {
    // A peer's stereo encoder, built on a separate libopus instance: PCM goes in one byte per
    // 16-bit heap slot, interleaved L/R, 960 samples per channel = 20 ms.
    const native = createOpusModule();
    const stereo = new native.OpusScriptHandler(48000, 2, 2049);
    const pcmPtr = native._malloc(960 * 2 * 4);
    const packetPtr = native._malloc(4000);
    const dec = decoder();
    const out = new Int16Array(960);
    let last = new Int16Array(0);
    for (let f = 0; f < 10; f++) {
      const slots = new Uint16Array(native.HEAPU8.buffer, pcmPtr, 960 * 4);
      for (let i = 0; i < 960; i++) {
        const s = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * (f * 960 + i)) / 48000));
        for (const ch of [0, 1]) {
          slots[4 * i + 2 * ch] = s & 0xff;
          slots[4 * i + 2 * ch + 1] = (s >> 8) & 0xff;
        }
      }
      const bytes = stereo._encode(pcmPtr, 960 * 4, packetPtr, 960);
      expect(bytes).toBeGreaterThan(0);
      const packet = native.HEAPU8.slice(packetPtr, packetPtr + bytes);
      expect(packet[0]! & 0x04).toBe(0x04); // TOC stereo flag (RFC 6716 §3.1)
      expect(dec.decode(packet, out)).toBe(160);
      last = out.slice(0, 160);
    }
    native.OpusScriptHandler.destroy_handler(stereo);
    expect(dominantFrequency(last, 8000, 100, 3900, 10)).toBe(1000);
  });

  test("RTP clock is 48 kHz with 960 ticks per 20 ms (RFC 7587 §4.1)", () => {
    expect(codec.rtpClockRate).toBe(48000);
    expect(codec.rtpTicksPer20ms).toBe(960);
  });
});
