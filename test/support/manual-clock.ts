/**
 * A manual Clock + Timers for tests: time moves only when the test calls `advance`, and due
 * callbacks fire in time order. No test sleeps.
 */
import type { Clock, TimerHandle, Timers } from "../../src/lib/clock.ts";

interface Scheduled {
  id: number;
  at: number;
  fn: () => void;
  every?: number;
}

export class ManualClock implements Clock, Timers {
  private t: number;
  private readonly wallBase: number;
  private nextId = 1;
  private readonly queue: Scheduled[] = [];

  constructor(startMs = 0, wallBaseMs = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
    this.wallBase = wallBaseMs;
  }

  now(): number {
    return this.t;
  }

  wallNow(): number {
    return this.wallBase + this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const s: Scheduled = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.queue.push(s);
    return { id: s.id };
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const s: Scheduled = { id: this.nextId++, at: this.t + ms, fn, every: Math.max(1, ms) };
    this.queue.push(s);
    return { id: s.id };
  }

  clearTimeout(h: TimerHandle): void {
    const i = this.queue.findIndex((s) => s.id === h.id);
    if (i >= 0) this.queue.splice(i, 1);
  }

  clearInterval(h: TimerHandle): void {
    this.clearTimeout(h);
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.queue.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: Scheduled | undefined;
      for (const s of this.queue) if (s.at <= end && (next === undefined || s.at < next.at)) next = s;
      if (next === undefined) break;
      this.t = next.at;
      if (next.every !== undefined) next.at += next.every;
      else this.queue.splice(this.queue.indexOf(next), 1);
      next.fn();
    }
    this.t = end;
  }
}
