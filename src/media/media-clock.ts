/**
 * The one shared 20 ms media clock (DESIGN.md performance rules): a single timer for the
 * whole process drives every session's playout and RTP sending. Each tick is scheduled
 * against an absolute deadline measured on the monotonic clock (performance.now() in
 * production), so timer lateness does not accumulate into drift; after a stall it catches up
 * a few ticks and then re-bases rather than bursting packets.
 */
import type { Clock, TimerHandle, Timers } from "../lib/clock.ts";

export const MEDIA_TICK_MS = 20;
/** Ticks run back to back after a late wake-up before the schedule is re-based. */
const MAX_CATCH_UP_TICKS = 3;

export interface MediaTickListener {
  /** Called once per 20 ms tick; `now` is the tick's scheduled time (monotonic ms). */
  onTick(now: number): void;
}

export class MediaClock {
  /**
   * Listeners in the order added. A removal during a tick leaves an `undefined` hole, compacted
   * after the tick, so the walk's indices never shift under it (no listener ticked twice or
   * skipped) and the tick needs no copy of the array.
   */
  private readonly listeners: (MediaTickListener | undefined)[] = [];
  private holes = 0;
  private timer: TimerHandle | undefined;
  private deadline = 0;
  private ticking = false;
  private readonly run = (): void => this.fire();
  /** Ticks skipped by re-basing after a stall (observability). */
  skippedTicks = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly periodMs = MEDIA_TICK_MS,
    /** Told about a listener that threw; the other listeners and later ticks still run. */
    private readonly onListenerError: (error: unknown) => void = () => {},
  ) {}

  /** Adds a listener; the first one starts the timer. */
  add(listener: MediaTickListener): void {
    if (this.listeners.includes(listener)) return;
    this.listeners.push(listener);
    // During a tick the timer is re-armed when the tick ends; re-basing here would shift the
    // grid and skip the next tick for every session.
    if (this.timer === undefined && !this.ticking) {
      this.deadline = this.clock.now() + this.periodMs;
      this.schedule();
    }
  }

  /** Removes a listener; the last one stops the timer. */
  remove(listener: MediaTickListener): void {
    const i = this.listeners.indexOf(listener);
    if (i < 0) return;
    if (this.ticking) {
      this.listeners[i] = undefined;
      this.holes++;
    } else this.listeners.splice(i, 1);
    if (this.size === 0) this.stop();
  }

  get size(): number {
    return this.listeners.length - this.holes;
  }

  stop(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = this.timers.setTimeout(this.run, Math.max(0, this.deadline - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    if (this.ticking) return;
    this.ticking = true;
    const now = this.clock.now();
    let ran = 0;
    while (this.deadline <= now && ran < MAX_CATCH_UP_TICKS) {
      this.tickAll(this.deadline);
      this.deadline += this.periodMs;
      ran++;
    }
    if (this.deadline <= now) {
      // Stalled for longer than the catch-up allowance: drop the missed ticks (sending them
      // would play audio faster than real time, websocket.md §6 "Pacing").
      const missed = Math.floor((now - this.deadline) / this.periodMs) + 1;
      this.skippedTicks += missed;
      this.deadline += missed * this.periodMs;
    }
    this.ticking = false;
    if (this.holes > 0) this.compact();
    if (this.size > 0 && this.timer === undefined) this.schedule();
  }

  private tickAll(at: number): void {
    // The walk starts at the length the tick began with: listeners added during it are pushed
    // past that index and start on the next tick.
    for (let i = this.listeners.length - 1; i >= 0; i--) {
      const l = this.listeners[i];
      if (l === undefined) continue;
      // One call's failure must not silence every other call or stop the clock for good.
      try {
        l.onTick(at);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  private compact(): void {
    let w = 0;
    for (const l of this.listeners) if (l !== undefined) this.listeners[w++] = l;
    this.listeners.length = w;
    this.holes = 0;
  }
}
