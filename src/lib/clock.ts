/**
 * Time ports (DESIGN.md rule 1): protocol cores never read the clock or start timers
 * themselves; they receive `now` or one of these interfaces, so tests can drive them with a
 * manual clock and never sleep. Real implementations live in `src/runtime/`.
 */

/** Monotonic milliseconds (for timers, RTT, jitter) and wall-clock epoch milliseconds (for JSON timestamps). */
export interface Clock {
  /** Monotonic time in milliseconds (may be fractional). Never goes backwards. */
  now(): number;
  /** Wall-clock time, milliseconds since the Unix epoch. */
  wallNow(): number;
}

/** Opaque handle of a scheduled callback. */
export type TimerHandle = { readonly id: number };

/** One-shot and repeating timers. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}
