import { describe, expect, test } from "bun:test";
import { pcmaCodec, pcmuCodec } from "../../src/codec/g711.ts";
import { ALAW_DECODE, ALAW_ENCODE, ULAW_DECODE, ULAW_ENCODE } from "../../src/codec/g711-tables.ts";
import { skipWithout } from "../support/peers.ts";
import { goertzel, tone } from "../support/tone.ts";
import { bytesOf, ffmpeg, pcmOf } from "./ffmpeg.ts";

const laws = [
  { name: "µ-law", fmt: "mulaw", codec: "pcm_mulaw", enc: ULAW_ENCODE, dec: ULAW_DECODE },
  { name: "A-law", fmt: "alaw", codec: "pcm_alaw", enc: ALAW_ENCODE, dec: ALAW_DECODE },
] as const;

describe("G.711 tables", () => {
  for (const law of laws) {
    test.skipIf(skipWithout("ffmpeg"))(`${law.name}: all 256 codes decode to ffmpeg's values`, () => {
      const codes = new Uint8Array(256).map((_, i) => i);
      const ref = pcmOf(ffmpeg(["-f", law.fmt, "-ar", "8000", "-ac", "1"], codes, ["-f", "s16le"]));
      expect(ref.length).toBe(256);
      expect(Array.from(law.dec)).toEqual(Array.from(ref));
    });

    test.skipIf(skipWithout("ffmpeg"))(
      `${law.name}: encoding all 65536 inputs equals ffmpeg's ${law.codec} exactly`,
      () => {
        const all = new Int16Array(65536).map((_, i) => i - 32768);
        const ref = ffmpeg(["-f", "s16le", "-ar", "8000", "-ac", "1"], bytesOf(all), [
          "-c:a",
          law.codec,
          "-f",
          law.fmt,
        ]);
        expect(ref.length).toBe(65536);
        let differing = 0;
        for (let i = 0; i < 65536; i++) if (ref[i] !== law.enc[(i - 32768) & 0xffff]) differing++;
        expect(differing).toBe(0);
      },
    );

    test(`${law.name}: re-encoding every decoded level returns the same code`, () => {
      let mismatches = 0;
      for (let code = 0; code < 256; code++) {
        const back = law.enc[law.dec[code]! & 0xffff]!;
        // µ-law has two zeros (0x7f, 0xff); both decode to 0, which encodes to +0.
        if (back !== code && law.dec[back] !== law.dec[code]) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  }
});

describe("G.711 codecs", () => {
  for (const codec of [pcmuCodec, pcmaCodec]) {
    test(`${codec.name}: a 1 kHz tone survives encode → decode within 0.5 dB and 30 dB SNR`, () => {
      const enc = codec.createEncoder();
      const dec = codec.createDecoder();
      const input = tone(1000, 8000, 160, 10000);
      const payload = new Uint8Array(160);
      const out = new Int16Array(160);
      expect(enc.encode(input, payload)).toBe(160);
      expect(dec.decode(payload, out)).toBe(160);
      const ratio = goertzel(out, 1000, 8000) / goertzel(input, 1000, 8000);
      expect(Math.abs(20 * Math.log10(ratio))).toBeLessThan(0.5);
      let err = 0;
      let sig = 0;
      for (let i = 0; i < 160; i++) {
        err += (out[i]! - input[i]!) ** 2;
        sig += input[i]! ** 2;
      }
      expect(10 * Math.log10(sig / err)).toBeGreaterThan(30);
    });

    test(`${codec.name}: decodes 10, 30 and 60 ms payloads to one sample per byte`, () => {
      const dec = codec.createDecoder();
      const out = new Int16Array(960);
      for (const bytes of [80, 240, 480]) expect(dec.decode(new Uint8Array(bytes), out)).toBe(bytes);
    });

    test(`${codec.name}: truncates a payload longer than the output buffer instead of overrunning`, () => {
      const dec = codec.createDecoder();
      const out = new Int16Array(160);
      expect(dec.decode(new Uint8Array(480), out)).toBe(160);
    });

    test(`${codec.name}: refuses to encode into a too small buffer`, () => {
      expect(codec.createEncoder().encode(new Int16Array(160), new Uint8Array(10))).toBe(0);
    });

    test(`${codec.name}: RTP clock is 8000 Hz with 160 ticks per 20 ms`, () => {
      expect(codec.rtpClockRate).toBe(8000);
      expect(codec.rtpTicksPer20ms).toBe(160);
    });
  }
});
