import { describe, expect, test } from "bun:test";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";

describe("cryptoRandom", () => {
  test("bytes fills requests larger than one getRandomValues call (65 536 bytes) completely", () => {
    const b = cryptoRandom.bytes(200_000);
    expect(b.length).toBe(200_000);
    // An unfilled tail would stay zero; 4096 random bytes are all zero with probability 2^-32768.
    expect(b.subarray(196_000).some((x) => x !== 0)).toBe(true);
  });

  test("int stays in [0, max) for small, 32-bit and larger-than-32-bit bounds", () => {
    for (const max of [2, 7, 15_001, 0xffff_ffff, 2 ** 32 + 5, 2 ** 40]) {
      for (let i = 0; i < 200; i++) {
        const v = cryptoRandom.int(max);
        expect(Number.isInteger(v) && v >= 0 && v < max).toBe(true);
      }
    }
  });

  test("int answers 0 when the range holds one value or none (1, 0, negative, NaN)", () => {
    for (const max of [1, 1.5, 0, -3, Number.NaN]) expect(cryptoRandom.int(max)).toBe(0);
  });

  test("int beyond 2^32 reaches the upper half of the range", () => {
    const max = 2 ** 40;
    let high = 0;
    for (let i = 0; i < 64; i++) if (cryptoRandom.int(max) >= max / 2) high++;
    // All 64 draws in the lower half has probability 2^-64.
    expect(high).toBeGreaterThan(0);
  });
});
