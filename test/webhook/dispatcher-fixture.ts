/** A WebhookDispatcher on a manual clock, a scripted HTTP port and real metrics. */
import type { CallEvent } from "../../src/call/events.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.ts";
import { DeadLetterQueue } from "../../src/webhook/dead-letter-queue.ts";
import { WebhookDispatcher, type WebhookDispatcherOptions } from "../../src/webhook/dispatcher.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { seededRandom } from "../support/seeded-random.ts";
import { FakeHttp } from "./fake-http.ts";

export const EVENTS_URL = "http://127.0.0.1:3000/events";
export const SEED = 0xc0ffee;
/** Wall clock at t = 0: 2026-03-12T10:30:00.000Z. */
export const WALL0 = Date.UTC(2026, 2, 12, 10, 30, 0);

export interface DispatcherHarness {
  readonly clock: ManualClock;
  readonly http: FakeHttp;
  readonly metrics: Metrics;
  readonly dlq: DeadLetterQueue;
  readonly dispatcher: WebhookDispatcher;
}

export function dispatcherHarness(over: Partial<WebhookDispatcherOptions> = {}): DispatcherHarness {
  const clock = new ManualClock(0, WALL0);
  const http = new FakeHttp();
  const metrics = createMetrics();
  const dlq = new DeadLetterQueue({ onLength: (n) => metrics.webhookDlqEntries.set(n) });
  const dispatcher = new WebhookDispatcher({
    url: EVENTS_URL,
    timeoutMs: 5000,
    retry: 1,
    http: http.post,
    clock,
    timers: clock,
    random: seededRandom(SEED),
    dlq,
    metrics,
    logger: nullLogger,
    ...over,
  });
  return { clock, http, metrics, dlq, dispatcher };
}

export const dtmf = (callId: string, digit: string): CallEvent => ({ type: "call.dtmf", callId, digit });
export const ended = (callId: string): CallEvent => ({
  type: "call.ended",
  callId,
  reason: "normal",
  duration: 3,
});
