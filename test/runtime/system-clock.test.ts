import { describe, expect, test } from "bun:test";
import { clampDelay, createSystemTimers, MAX_TIMER_MS } from "../../src/runtime/system-clock.ts";

describe("system timers", () => {
  test("clamp delays the platform would fire at once: over 2^31-1 ms, negative, NaN, Infinity", () => {
    expect(clampDelay(50 * 24 * 3600 * 1000)).toBe(MAX_TIMER_MS);
    expect(clampDelay(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS);
    expect(clampDelay(-5)).toBe(0);
    expect(clampDelay(Number.NaN)).toBe(0);
    expect(clampDelay(1500)).toBe(1500);
  });

  test("a timer armed for 49 days does not fire now and can be cleared", async () => {
    const timers = createSystemTimers();
    let fired = false;
    const h = timers.setTimeout(
      () => {
        fired = true;
      },
      49 * 24 * 3600 * 1000,
    );
    await Bun.sleep(30);
    expect(fired).toBe(false);
    timers.clearTimeout(h);
  });
});
