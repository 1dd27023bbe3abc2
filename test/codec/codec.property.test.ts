import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createStandardCodecs } from "../../src/codec/registry.ts";
import { createResampler } from "../../src/codec/resampler.ts";
import { MAX_DECODED_SAMPLES } from "../../src/codec/types.ts";

const codecs = createStandardCodecs();
const decoders = codecs.map((c) => ({ name: c.name, dec: c.createDecoder() }));
afterAll(() => {
  for (const d of decoders) d.dec.free();
});

describe("codec properties", () => {
  test("no decoder throws on arbitrary payloads, and none writes past its output buffer", () => {
    const out = new Int16Array(MAX_DECODED_SAMPLES + 8);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1500 }),
        fc.integer({ min: 0, max: MAX_DECODED_SAMPLES }),
        (payload, cap) => {
          for (const { name, dec } of decoders) {
            out.fill(12345, cap);
            const n = dec.decode(payload, out.subarray(0, cap));
            expect(n).toBeGreaterThanOrEqual(0);
            expect(n).toBeLessThanOrEqual(cap);
            if (name !== "opus") expect(n).toBe(Math.min(payload.length, cap));
            expect(out[cap]).toBe(12345);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test("conceal returns exactly the samples asked for (bounded by the buffer) after any history", () => {
    const out = new Int16Array(MAX_DECODED_SAMPLES);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 480 }),
        fc.integer({ min: 0, max: 2000 }),
        (payload, samples) => {
          for (const { dec } of decoders) {
            dec.decode(payload, out);
            expect(dec.conceal(out, samples)).toBe(Math.min(samples, out.length));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test("resampling is independent of how the input is cut into chunks", () => {
    const rates = [8000, 11025, 16000, 22050, 24000, 44100, 48000];
    fc.assert(
      fc.property(
        fc.constantFrom(...rates),
        fc.constantFrom(8000, 16000),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 0xffffff }),
        (from, to, cuts, seed) => {
          const total = cuts.reduce((a, b) => a + b, 0);
          const input = new Int16Array(total);
          let x = seed;
          for (let i = 0; i < total; i++) {
            x = (x * 1103515245 + 12345) & 0x7fffffff;
            input[i] = (x % 40000) - 20000;
          }
          const whole = createResampler(from, to);
          const parts = createResampler(from, to);
          if (!whole.ok || !parts.ok) throw new Error("standard rates must build");
          const a = new Int16Array(whole.value.maxOutput(total));
          const na = whole.value.process(input, total, a);
          const b = new Int16Array(a.length);
          let nb = 0;
          let at = 0;
          for (const len of cuts) {
            const scratch = new Int16Array(parts.value.maxOutput(len));
            const got = parts.value.process(input.subarray(at, at + len), len, scratch);
            b.set(scratch.subarray(0, got), nb);
            nb += got;
            at += len;
          }
          expect(nb).toBe(na);
          expect(Array.from(b.subarray(0, nb))).toEqual(Array.from(a.subarray(0, na)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
