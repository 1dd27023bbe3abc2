import { describe, expect, test } from "bun:test";
import type { Random } from "../../src/lib/random.ts";
import { backoffBaseMs, retryDelayMs } from "../../src/webhook/backoff.ts";
import { seededRandom } from "../support/seeded-random.ts";

/** Always draws the largest (or smallest) allowed integer. */
const extreme = (max: boolean): Random => ({
  bytes: (n) => new Uint8Array(n),
  int: (bound) => (max ? bound - 1 : 0),
});

describe("webhook retry backoff (webhooks.md §4)", () => {
  test("doubles the base from 100 ms and caps it at 30 s", () => {
    expect([1, 2, 3, 4, 9, 10, 11, 60].map(backoffBaseMs)).toEqual([
      100, 200, 400, 800, 25_600, 30_000, 30_000, 30_000,
    ]);
  });

  test("adds jitter up to and including base/2", () => {
    expect([1, 2, 3].map((k) => retryDelayMs(k, extreme(true)))).toEqual([150, 300, 600]);
    expect([1, 2, 3].map((k) => retryDelayMs(k, extreme(false)))).toEqual([100, 200, 400]);
    expect(retryDelayMs(40, extreme(true))).toBe(45_000);
  });

  test("draws integer waits inside 100–150, 200–300, 400–600 ms", () => {
    const random = seededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      for (const [k, lo, hi] of [
        [1, 100, 150],
        [2, 200, 300],
        [3, 400, 600],
      ] as const) {
        const d = retryDelayMs(k, random);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(lo);
        expect(d).toBeLessThanOrEqual(hi);
        if (k === 1) seen.add(d);
      }
    }
    // Jitter is spread, not constant: both ends of the first window are reached.
    expect(seen.has(100)).toBe(true);
    expect(seen.has(150)).toBe(true);
  });
});
