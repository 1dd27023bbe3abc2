/**
 * IO adapter: the real clock and timers behind the `Clock`/`Timers` ports of `src/lib/clock.ts`.
 */
import type { Clock, TimerHandle, Timers } from "../lib/clock.ts";

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
};

type Native = ReturnType<typeof setTimeout>;

/**
 * The platform's timers take a signed 32-bit delay: anything above ~24.8 days (or NaN) fires at
 * once, which would turn a long registrar grant into a request storm. Clamp instead.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_TIMER_MS) : ms > 0 ? MAX_TIMER_MS : 0;
}

export function createSystemTimers(): Timers {
  const live = new Map<number, Native>();
  let next = 1;
  return {
    setTimeout(fn, ms) {
      const id = next++;
      live.set(
        id,
        setTimeout(() => {
          live.delete(id);
          fn();
        }, clampDelay(ms)),
      );
      return { id };
    },
    clearTimeout(h: TimerHandle) {
      const t = live.get(h.id);
      if (t !== undefined) clearTimeout(t);
      live.delete(h.id);
    },
    setInterval(fn, ms) {
      const id = next++;
      live.set(id, setInterval(fn, Math.max(1, clampDelay(ms))));
      return { id };
    },
    clearInterval(h: TimerHandle) {
      const t = live.get(h.id);
      if (t !== undefined) clearInterval(t);
      live.delete(h.id);
    },
  };
}
