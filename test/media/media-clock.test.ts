import { describe, expect, test } from "bun:test";
import type { Clock, TimerHandle, Timers } from "../../src/lib/clock.ts";
import { MediaClock } from "../../src/media/media-clock.ts";
import { ManualClock } from "../support/manual-clock.ts";

/** Counts timers started, to prove there is one timer for all sessions. */
function countingTimers(inner: ManualClock): Timers & { started: number } {
  const t = {
    started: 0,
    setTimeout(fn: () => void, ms: number): TimerHandle {
      t.started++;
      return inner.setTimeout(fn, ms);
    },
    clearTimeout: (h: TimerHandle) => inner.clearTimeout(h),
    setInterval: (fn: () => void, ms: number) => inner.setInterval(fn, ms),
    clearInterval: (h: TimerHandle) => inner.clearInterval(h),
  };
  return t;
}

describe("shared 20 ms media clock", () => {
  test("ticks every listener every 20 ms from one timer", () => {
    const clock = new ManualClock(1000);
    const timers = countingTimers(clock);
    const mc = new MediaClock(clock, timers);
    const ticks: number[][] = [[], [], []];
    for (const list of ticks) mc.add({ onTick: (now) => list.push(now) });
    clock.advance(100);
    for (const list of ticks) expect(list).toEqual([1020, 1040, 1060, 1080, 1100]);
    // One pending timer at a time, re-armed once per tick: 1 initial + 5 re-arms.
    expect(timers.started).toBe(6);
  });

  test("corrects timer lateness so ticks keep to the absolute 20 ms grid", () => {
    const real = new ManualClock(0);
    // A clock whose timers fire 7 ms late.
    let lateBy = 7;
    const lateTimers: Timers = {
      setTimeout: (fn, ms) => real.setTimeout(fn, ms + lateBy),
      clearTimeout: (h) => real.clearTimeout(h),
      setInterval: (fn, ms) => real.setInterval(fn, ms),
      clearInterval: (h) => real.clearInterval(h),
    };
    const mc = new MediaClock(real as Clock, lateTimers);
    const at: number[] = [];
    mc.add({ onTick: () => at.push(real.now()) });
    real.advance(1000);
    lateBy = 0;
    // 1000 ms of wall time → ~49-50 ticks, not 1000/27 ≈ 37 as an uncorrected timer would give.
    expect(at.length).toBeGreaterThanOrEqual(48);
    expect(at.length).toBeLessThanOrEqual(50);
  });

  test("after a long stall it catches up at most 3 ticks and skips the rest", () => {
    const manual = new ManualClock(0);
    // The monotonic clock jumps 500 ms while no timer could fire (a blocked event loop).
    let stall = 0;
    const clock: Clock = { now: () => manual.now() + stall, wallNow: () => manual.wallNow() + stall };
    const mc = new MediaClock(clock, manual);
    let count = 0;
    mc.add({ onTick: () => count++ });
    manual.advance(20);
    expect(count).toBe(1);
    stall = 500;
    manual.advance(20);
    expect(count).toBe(1 + 3);
    expect(mc.skippedTicks).toBeGreaterThan(20);
    const after = count;
    manual.advance(100);
    expect(count - after).toBeGreaterThanOrEqual(4);
    expect(count - after).toBeLessThanOrEqual(6);
  });

  test("stops its timer when the last listener leaves", () => {
    const clock = new ManualClock(0);
    const timers = countingTimers(clock);
    const mc = new MediaClock(clock, timers);
    const l = { onTick: () => {} };
    mc.add(l);
    clock.advance(40);
    mc.remove(l);
    const before = timers.started;
    clock.advance(1000);
    expect(timers.started).toBe(before);
    expect(mc.size).toBe(0);
  });

  test("a listener that removes another mid-tick is still ticked once, and the removed one not at all", () => {
    const clock = new ManualClock(0);
    const mc = new MediaClock(clock, clock);
    const ticks = { a: 0, b: 0, c: 0 };
    const a = { onTick: () => ticks.a++ };
    const c = { onTick: () => ticks.c++ };
    // b is walked before a and c (the walk runs from the end); it removes both on its first tick.
    const b = {
      onTick: () => {
        ticks.b++;
        mc.remove(a);
        mc.remove(c);
      },
    };
    mc.add(a);
    mc.add(c);
    mc.add(b);
    clock.advance(20);
    expect(ticks).toEqual({ a: 0, b: 1, c: 0 });
    expect(mc.size).toBe(1);
    clock.advance(20);
    expect(ticks).toEqual({ a: 0, b: 2, c: 0 });
  });

  test("a listener added mid-tick starts on the next tick, and one re-added after removal ticks once", () => {
    const clock = new ManualClock(0);
    const mc = new MediaClock(clock, clock);
    let late = 0;
    const lateComer = { onTick: () => late++ };
    const host = {
      onTick: () => {
        mc.remove(lateComer);
        mc.add(lateComer);
      },
    };
    mc.add(host);
    clock.advance(20);
    expect(late).toBe(0);
    expect(mc.size).toBe(2);
    clock.advance(20);
    expect(late).toBe(1);
    expect(mc.size).toBe(2);
  });
});

describe("media clock isolation", () => {
  test("a listener that throws is reported and the others keep ticking, tick after tick", () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const mc = new MediaClock(clock, clock, undefined, (e) => errors.push(e));
    let good = 0;
    mc.add({
      onTick: () => {
        throw new Error("ECONNREFUSED: connection refused, send");
      },
    });
    mc.add({ onTick: () => void good++ });
    clock.advance(100);
    expect(good).toBe(5);
    expect(errors).toHaveLength(5);
  });
});
