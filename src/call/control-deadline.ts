/**
 * Time limits of the mid-call commands on the injected Timers (pure core: no real timers):
 * a request in the dialog that gets no final response within 64*T1 = 32 s is reported as 504
 * (rest-api.md §1.4 `gateway_timeout`; RFC 3261 §17.1.1.2 Timer B, §17.1.2.2 Timer F), and the
 * REST DTMF answer waits ~200 ms per digit sent as RFC 4733 events (sip.md §9: 100 ms of
 * events, 100 ms gap).
 */
import type { Timers } from "../lib/clock.ts";

/** 64*T1 with T1 = 500 ms (RFC 3261 §17.1.1.2). */
export const MID_CALL_TIMEOUT_MS = 32_000;
/** sip.md §9: an event packet every 20 ms for 100 ms, then a 100 ms gap. */
export const DTMF_DIGIT_MS = 200;

export const TIMED_OUT = Symbol("timed out");

/**
 * `work`'s value, or {@link TIMED_OUT} when `ms` pass first (the late value is dropped). A
 * `work` that rejects (the adapter could not send the request) counts as timed out at once: it
 * got no final response either, and its rejection must not go unhandled.
 */
export function withDeadline<T>(timers: Timers, ms: number, work: Promise<T>): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve) => {
    const timer = timers.setTimeout(() => resolve(TIMED_OUT), ms);
    const settle = (v: T | typeof TIMED_OUT) => {
      timers.clearTimeout(timer);
      resolve(v);
    };
    work.then(settle, () => settle(TIMED_OUT));
  });
}

export function delay(timers: Timers, ms: number): Promise<void> {
  return new Promise((resolve) => {
    timers.setTimeout(() => resolve(), ms);
  });
}
