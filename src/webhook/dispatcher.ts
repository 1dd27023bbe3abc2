/**
 * Lifecycle webhook delivery (spec/webhooks.md §1, §3, §4, §5): POSTs each CallEvent's body to
 * `webhook.url` or the call's override, one event at a time per call and in emit order (the
 * next waits for the previous one's success or dead-lettering), calls independent of each
 * other. Each event gets `1 + retry` attempts with exponential backoff and jitter between them;
 * after the last failure it goes to the DLQ. `enqueue` only queues and never blocks SIP or media
 * (§1 "Blocking").
 *
 * Bounds (DESIGN.md "Bounded everything"): at most `maxQueuedPerCall` events waiting per call and
 * `maxQueued` in total. An event that does not fit is dead-lettered at once with error
 * `"queue full"` and 0 attempts, counted as a failure and logged once per overflow (not per
 * event, so a remote key-press flood cannot become a log flood). `call.ended` is exempt from
 * the per-call bound (it comes once per call) so a DTMF flood cannot cost the app a call's end.
 */
import type { CallEvent } from "../call/events.ts";
import type { Clock, Timers } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { Random } from "../lib/random.ts";
import { retryDelayMs } from "./backoff.ts";
import type { DeadLetterQueue } from "./dead-letter-queue.ts";
import { type EventBody, isoSeconds, toEventBody } from "./event-body.ts";
import { failureOf, type HttpPost, postWithTimeout } from "./http-post.ts";
import type { WebhookMetrics } from "./metrics-port.ts";

const DEFAULT_MAX_QUEUED_PER_CALL = 256;
const DEFAULT_MAX_QUEUED = 10_000;

export interface WebhookDispatcherOptions {
  /** `webhook.url`: events go here exactly, no slash added (§1 "Event URL"). */
  readonly url: string;
  /** `webhook.timeout` in ms, per attempt. */
  readonly timeoutMs: number;
  /** `webhook.retry`: retries after the first attempt. */
  readonly retry: number;
  readonly http: HttpPost;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly dlq: DeadLetterQueue;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  readonly maxQueuedPerCall?: number;
  readonly maxQueued?: number;
}

interface Pending {
  readonly body: EventBody;
  readonly json: string;
  readonly url: string;
}

/** Whether the current overflow of a bound was already logged; cleared once it has room again. */
interface OverflowLog {
  warned: boolean;
}

interface CallQueue extends OverflowLog {
  readonly items: Pending[];
}

export class WebhookDispatcher {
  private readonly calls = new Map<string, CallQueue>();
  private queued = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly totalOverflow: OverflowLog = { warned: false };
  private readonly maxPerCall: number;
  private readonly maxTotal: number;

  constructor(private readonly o: WebhookDispatcherOptions) {
    this.maxPerCall = o.maxQueuedPerCall ?? DEFAULT_MAX_QUEUED_PER_CALL;
    this.maxTotal = o.maxQueued ?? DEFAULT_MAX_QUEUED;
  }

  /**
   * Queues `event` for delivery, stamped now (§3 `timestamp` is when it happened, and the call
   * layer enqueues as it happens). `url` is the call's override (`webhook_url` of
   * `POST /v1/calls` or of the accept decision). Returns false when a bound dead-lettered it.
   */
  enqueue(event: CallEvent, url?: string): boolean {
    const body = toEventBody(event, this.o.clock.wallNow());
    const item: Pending = { body, json: JSON.stringify(body), url: url ?? this.o.url };
    let q = this.calls.get(event.callId);
    const perCallFull = q !== undefined && q.items.length >= this.maxPerCall && event.type !== "call.ended";
    if (perCallFull || this.queued >= this.maxTotal) {
      const overflow = perCallFull && q !== undefined ? q : this.totalOverflow;
      if (!overflow.warned) {
        overflow.warned = true;
        this.o.logger.warn("webhook queue full, events dead-lettered until it has room", {
          call_id: event.callId,
          event: event.type,
          queued: this.queued,
        });
      }
      this.giveUp(item, "queue full", 0);
      return false;
    }
    this.queued++;
    if (q === undefined) {
      q = { items: [item], warned: false };
      this.calls.set(event.callId, q);
      void this.run(event.callId, q);
    } else {
      q.items.push(item);
    }
    return true;
  }

  /** Events queued or in flight, over all calls. */
  get pending(): number {
    return this.queued;
  }

  /**
   * Shutdown (spec README "Process lifecycle": queued webhooks get up to 5 s): resolves when
   * every queue is empty or after `ms`, with the number of events still undelivered.
   */
  flush(ms: number): Promise<number> {
    if (this.queued === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        this.o.timers.clearTimeout(timer);
        this.idleWaiters = this.idleWaiters.filter((w) => w !== finish);
        resolve(this.queued);
      };
      const timer = this.o.timers.setTimeout(finish, ms);
      this.idleWaiters.push(finish);
    });
  }

  /** Delivers one call's queue head by head; the queue is dropped once empty. */
  private async run(callId: string, q: CallQueue): Promise<void> {
    for (let item = q.items[0]; item !== undefined; item = q.items[0]) {
      await this.deliver(item);
      q.items.shift();
      this.queued--;
      if (q.items.length < this.maxPerCall) q.warned = false;
      if (this.queued < this.maxTotal) this.totalOverflow.warned = false;
    }
    this.calls.delete(callId);
    if (this.queued === 0) for (const w of this.idleWaiters.slice()) w();
  }

  /**
   * All attempts for one event (§4); never rejects. The URL is left out of log lines because
   * apps put tokens in it; the DLQ entry (behind API auth) keeps it.
   */
  private async deliver(item: Pending): Promise<void> {
    const attempts = 1 + Math.max(0, this.o.retry);
    let lastError = "";
    for (let k = 1; k <= attempts; k++) {
      if (k > 1) await this.sleep(retryDelayMs(k - 1, this.o.random));
      const started = this.o.clock.now();
      const result = await postWithTimeout(
        this.o.http,
        { url: item.url, body: item.json, timeoutMs: this.o.timeoutMs },
        this.o.timers,
      );
      this.o.metrics.webhookDurationSeconds.observe((this.o.clock.now() - started) / 1000);
      const failure = failureOf(result);
      if (failure === undefined) {
        this.o.metrics.webhooksTotal.inc("success");
        return;
      }
      lastError = failure;
      this.o.logger.debug("webhook attempt failed", {
        call_id: item.body.call_id,
        event: item.body.event,
        attempt: k,
        error: failure,
      });
    }
    this.o.logger.warn("webhook dead-lettered", {
      call_id: item.body.call_id,
      event: item.body.event,
      error: lastError,
      attempts,
    });
    this.giveUp(item, lastError, attempts);
  }

  private giveUp(item: Pending, error: string, attempts: number): void {
    this.o.metrics.webhooksTotal.inc("failure");
    const evicted = this.o.dlq.push({
      event: item.body,
      url: item.url,
      error,
      attempts,
      timestamp: isoSeconds(this.o.clock.wallNow()),
    });
    if (evicted !== undefined) {
      this.o.logger.warn("dead-letter queue full, oldest entry evicted", {
        call_id: evicted.event.call_id,
        event: evicted.event.event,
      });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.o.timers.setTimeout(resolve, ms);
    });
  }
}
