/**
 * IO adapter: the real clock and timers behind the `Clock`/`Timers` ports of `src/lib/clock.ts`.
 */
import type { Clock, TimerHandle, Timers } from "../lib/clock.ts";

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
};

type Native = ReturnType<typeof setTimeout>;

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
        }, ms),
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
      live.set(id, setInterval(fn, ms));
      return { id };
    },
    clearInterval(h: TimerHandle) {
      const t = live.get(h.id);
      if (t !== undefined) clearInterval(t);
      live.delete(h.id);
    },
  };
}
