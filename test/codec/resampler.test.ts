import { describe, expect, test } from "bun:test";
import { createResampler, Resampler } from "../../src/codec/resampler.ts";
import { db, goertzel, rms, tone } from "../support/tone.ts";

const AMPLITUDE = 10000;

/** Streams one second of a tone through `r` in 20 ms chunks; returns the output's second half. */
function run(r: Resampler, freq: number): Int16Array {
  r.reset();
  const input = tone(freq, r.inRate, r.inRate, AMPLITUDE);
  const chunk = Math.max(1, Math.round(r.inRate / 50));
  const out = new Int16Array(r.maxOutput(r.inRate) + 50);
  const scratch = new Int16Array(r.maxOutput(chunk));
  let n = 0;
  for (let i = 0; i < input.length; i += chunk) {
    const len = Math.min(chunk, input.length - i);
    const got = r.process(input.subarray(i, i + len), len, scratch);
    out.set(scratch.subarray(0, got), n);
    n += got;
  }
  return out.subarray(n >> 1, n);
}

/** Gain (dB) of the tone at `freq`, measured at the output rate. */
function gainDb(r: Resampler, freq: number): number {
  return db(goertzel(run(r, freq), freq, r.outRate), AMPLITUDE);
}

const pairs: Array<[number, number]> = [
  [16000, 8000],
  [8000, 16000],
  [48000, 8000],
  [8000, 48000],
  [24000, 8000],
  [44100, 8000],
  [22050, 8000],
  [11025, 8000],
];

describe("polyphase resampler", () => {
  for (const [from, to] of pairs) {
    test(`${from} → ${to}: pass-band ripple ≤ 0.5 dB from 100 Hz to 3400 Hz`, () => {
      const r = new Resampler(from, to);
      let lo = Infinity;
      let hi = -Infinity;
      for (let f = 100; f <= 3400; f += 300) {
        const g = gainDb(r, f);
        lo = Math.min(lo, g);
        hi = Math.max(hi, g);
      }
      expect(hi - lo).toBeLessThanOrEqual(0.5);
      expect(Math.abs(hi)).toBeLessThan(0.5);
    });

    if (from > to) {
      test(`${from} → ${to}: tones above the new Nyquist are attenuated ≥ 60 dB`, () => {
        const r = new Resampler(from, to);
        for (const f of [to / 2 + 200, to / 2 + 1000, (from / 2) * 0.9]) {
          // Whatever frequency the tone folds onto, the whole output must stay 60 dB down.
          expect(db(rms(run(r, f)), AMPLITUDE / Math.SQRT2)).toBeLessThan(-60);
        }
      });
    } else {
      test(`${from} → ${to}: images of a tone above the old Nyquist are ≥ 60 dB down`, () => {
        const r = new Resampler(from, to);
        for (const f of [1000, 3000]) {
          for (let image = from - f; image < to / 2; image += from) {
            expect(gainDb(r, image)).toBeLessThan(-60);
          }
        }
      });
    }
  }

  test("16 → 8 kHz low-pass cut-off is at most 3.8 kHz (≥ 6 dB down at 3.8 kHz)", () => {
    expect(gainDb(new Resampler(16000, 8000), 3800)).toBeLessThan(-6);
  });

  test("yields exactly out/in × the input count when fed 20 ms frames", () => {
    const r = new Resampler(44100, 8000);
    const frame = new Int16Array(882);
    const out = new Int16Array(r.maxOutput(882));
    let total = 0;
    for (let i = 0; i < 50; i++) total += r.process(frame, 882, out);
    expect(total).toBe(8000);
    const half = new Resampler(16000, 8000);
    expect(half.process(new Int16Array(320), 320, new Int16Array(half.maxOutput(320)))).toBe(160);
  });

  test("frame boundaries are invisible: chunked output equals one-shot output", () => {
    const input = tone(1234, 22050, 4410, AMPLITUDE);
    const whole = new Resampler(22050, 8000);
    const chunked = new Resampler(22050, 8000);
    const a = new Int16Array(whole.maxOutput(4410));
    const na = whole.process(input, 4410, a);
    const b = new Int16Array(a.length + 10);
    let nb = 0;
    const scratch = new Int16Array(64);
    for (let i = 0; i < 4410; i += 37) {
      const len = Math.min(37, 4410 - i);
      const got = chunked.process(input.subarray(i, i + len), len, scratch);
      b.set(scratch.subarray(0, got), nb);
      nb += got;
    }
    expect(nb).toBe(na);
    expect(Array.from(b.subarray(0, nb))).toEqual(Array.from(a.subarray(0, na)));
  });

  test("drops outputs rather than overrunning a too small buffer", () => {
    const r = new Resampler(8000, 48000);
    expect(r.process(new Int16Array(160), 160, new Int16Array(100))).toBe(100);
  });

  test("createResampler refuses rates from input that are not positive integers up to 384 kHz", () => {
    for (const rate of [0, -8000, 8000.5, Number.NaN, 1_000_000]) {
      const r = createResampler(rate, 8000);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.reason).toContain("unsupported sample rate");
    }
  });

  test("createResampler refuses a near-coprime rate pair whose filter would be huge", () => {
    const r = createResampler(44101, 8000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toContain("too long a filter");
  });

  test("createResampler builds the usual WAV rates", () => {
    for (const rate of [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000]) {
      expect(createResampler(rate, 8000).ok).toBe(true);
    }
  });

  test("the constructor throws on a bad fixed rate (a programming error, not input)", () => {
    expect(() => new Resampler(0, 8000)).toThrow(RangeError);
  });
});
