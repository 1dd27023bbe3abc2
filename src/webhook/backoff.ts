/**
 * Wait between lifecycle webhook attempts (spec/webhooks.md §4): before attempt k+1,
 * `base = 100 ms × 2^(k−1)` capped at 30 s, plus an integer jitter uniform in `[0, base/2]`
 * drawn from the injected Random, so waits are 100–150, 200–300, 400–600 ms, … 30–45 s.
 */
import type { Random } from "../lib/random.ts";

const FIRST_BASE_MS = 100;
const MAX_BASE_MS = 30_000;

/** Base wait after `failedAttempts` (k ≥ 1) failed attempts, before jitter. */
export function backoffBaseMs(failedAttempts: number): number {
  // 2^9 × 100 already exceeds the cap; clamping the exponent keeps large k finite.
  const exp = Math.min(Math.max(failedAttempts, 1) - 1, 10);
  return Math.min(FIRST_BASE_MS * 2 ** exp, MAX_BASE_MS);
}

/** The full wait in ms before attempt `failedAttempts + 1`. */
export function retryDelayMs(failedAttempts: number, random: Random): number {
  const base = backoffBaseMs(failedAttempts);
  // `int` is exclusive of its bound; +1 makes `base/2` itself reachable (the range is closed).
  return base + random.int(Math.floor(base / 2) + 1);
}
