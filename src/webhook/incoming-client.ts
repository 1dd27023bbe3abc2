/**
 * The synchronous `/incoming` decision for an inbound call (spec/webhooks.md §2): one POST to
 * `{webhook.url}/incoming`, never retried and never dead-lettered because the caller is
 * waiting. Any failure — transport error, timeout, non-2xx, unusable body — becomes an
 * `error` decision that the call layer answers with 503 (sip.md §5 "webhook failed"). The
 * attempt is timed into `xbridge_webhook_duration_seconds` and its outcome counted in
 * `xbridge_incoming_webhooks_total{result}`; `xbridge_webhooks_total` is not touched.
 *
 * At most `maxPending` (256) decisions are awaited at once (§2 last bullet); past that the
 * answer is `error: "overloaded"` at once, without a request and without a count, since no
 * webhook was made.
 */
import type { IncomingCallRequest, IncomingDecision } from "../call/events.ts";
import type { Clock, Timers } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import { failureOf, type HttpPost, postWithTimeout } from "./http-post.ts";
import { parseIncomingDecision } from "./incoming-decision.ts";
import type { WebhookMetrics } from "./metrics-port.ts";

export const MAX_PENDING_DECISIONS = 256;

/**
 * §1 "Incoming URL": one trailing `/` removed, then `/incoming`
 * (`http://app/events` and `http://app/events/` → `http://app/events/incoming`).
 */
export function incomingUrl(webhookUrl: string): string {
  return `${webhookUrl.endsWith("/") ? webhookUrl.slice(0, -1) : webhookUrl}/incoming`;
}

/** The request body (§2 "Request"): absent `peer`/`trunk` are omitted, not null. */
function incomingRequestBody(req: IncomingCallRequest): string {
  return JSON.stringify({
    call_id: req.callId,
    from: req.from,
    to: req.to,
    direction: "inbound",
    ...(req.peer === undefined ? {} : { peer: req.peer }),
    ...(req.trunk === undefined ? {} : { trunk: req.trunk }),
  });
}

export interface IncomingClientOptions {
  /** `webhook.url`; the request goes to {@link incomingUrl} of it. */
  readonly url: string;
  /** `webhook.timeout` in ms: the one attempt's limit. */
  readonly timeoutMs: number;
  readonly http: HttpPost;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  readonly maxPending?: number;
}

export class IncomingClient {
  private inFlight = 0;
  private readonly target: string;
  private readonly maxPending: number;

  constructor(private readonly o: IncomingClientOptions) {
    this.target = incomingUrl(o.url);
    this.maxPending = o.maxPending ?? MAX_PENDING_DECISIONS;
  }

  /** Decisions being awaited now. */
  get pending(): number {
    return this.inFlight;
  }

  /** Asks the app; never rejects. */
  async decide(req: IncomingCallRequest): Promise<IncomingDecision> {
    if (this.inFlight >= this.maxPending) {
      this.o.logger.warn("too many calls awaiting /incoming, answering 503", { call_id: req.callId });
      return { action: "error", error: "overloaded" };
    }
    this.inFlight++;
    try {
      return this.classify(req.callId, await this.post(req));
    } finally {
      this.inFlight--;
    }
  }

  private async post(req: IncomingCallRequest): Promise<IncomingDecision> {
    const started = this.o.clock.now();
    const result = await postWithTimeout(
      this.o.http,
      { url: this.target, body: incomingRequestBody(req), timeoutMs: this.o.timeoutMs },
      this.o.timers,
    );
    this.o.metrics.webhookDurationSeconds.observe((this.o.clock.now() - started) / 1000);
    const failure = failureOf(result);
    if (failure !== undefined) return { action: "error", error: failure };
    const body = "body" in result ? result.body : undefined;
    if (body === undefined) return { action: "error", error: "response body too large" };
    const parsed = parseIncomingDecision(body);
    return parsed.ok ? parsed.value : { action: "error", error: parsed.error };
  }

  private classify(callId: string, d: IncomingDecision): IncomingDecision {
    this.o.metrics.incomingWebhooksTotal.inc(d.action);
    if (d.action === "error") {
      this.o.logger.warn("/incoming webhook failed, answering 503", { call_id: callId, error: d.error });
    }
    return d;
  }
}
