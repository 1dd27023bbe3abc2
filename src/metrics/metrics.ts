/**
 * The gateway's `xbridge_*` metrics (spec/rest-api.md "GET /metrics" table), all registered
 * at creation with zero values and every listed label value, rendered in table order.
 *
 * A small own registry instead of prom-client: the spec fixes the exact text (no space before
 * `{`, shortest-decimal `le`), only three metric types are needed, increments must be a plain
 * add on pre-bound children, and it adds no dependency.
 */
import { Counter, LabeledCounter } from "./counter.ts";
import type { MetricFamily } from "./exposition.ts";
import { Gauge, LabeledGauge } from "./gauge.ts";
import { Histogram } from "./histogram.ts";

/** `xbridge_call_duration_seconds` buckets (seconds). */
const CALL_DURATION_BUCKETS: readonly number[] = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** Latency buckets shared by HTTP request and webhook attempt durations (seconds). */
const LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type CallDirection = "inbound" | "outbound";
export type WsFrameDirection = "sent" | "received";
export type WebhookResult = "success" | "failure";
export type IncomingWebhookResult = "accept" | "reject" | "error";

export interface Metrics {
  /** inbound: calls accepted by the app; outbound: calls whose INVITE was sent. */
  readonly callsTotal: LabeledCounter<CallDirection>;
  /** Calls in the registry; feed with `activeCalls.collect(() => registry.size)`. */
  readonly activeCalls: Gauge;
  /** Once per ended call: answered time in seconds, 0 if never answered. */
  readonly callDurationSeconds: Histogram;
  /** API-group responses (incl. 401/429), counted by the API's http-metrics middleware. */
  readonly httpRequestsTotal: Counter;
  readonly httpRequestDurationSeconds: Histogram;
  /** Open call WebSockets. */
  readonly wsConnections: Gauge;
  /** Pre-bind with `wsFramesTotal.child("sent")` on the per-frame path. */
  readonly wsFramesTotal: LabeledCounter<WsFrameDirection>;
  /** One per lifecycle event: delivered, or given up into the DLQ. */
  readonly webhooksTotal: LabeledCounter<WebhookResult>;
  /** Every HTTP attempt, lifecycle and `/incoming`. */
  readonly webhookDurationSeconds: Histogram;
  /** Inbound calls from trunk-host peers accepted by the app. */
  readonly trunkCallsTotal: Counter;
  /** 429s issued by the API rate limiter. */
  readonly rateLimitRejectionsTotal: Counter;
  readonly incomingWebhooksTotal: LabeledCounter<IncomingWebhookResult>;
  /** Current DLQ length; set by the webhook module or fed by `collect`. */
  readonly webhookDlqEntries: Gauge;
  /** `set(trunkName, 1|0)`; set every configured trunk to 0 at start so each is listed. */
  readonly trunkRegistered: LabeledGauge;
  /** The whole exposition, to be served with `METRICS_CONTENT_TYPE`. */
  render(): string;
}

export function createMetrics(): Metrics {
  const m = {
    callsTotal: new LabeledCounter<CallDirection>(
      "xbridge_calls_total",
      "Calls accepted by the app (inbound) or whose INVITE was sent (outbound).",
      "direction",
      ["inbound", "outbound"],
    ),
    activeCalls: new Gauge("xbridge_active_calls", "Calls in the registry."),
    callDurationSeconds: new Histogram(
      "xbridge_call_duration_seconds",
      "Answered time of ended calls in seconds (0 if never answered).",
      CALL_DURATION_BUCKETS,
    ),
    httpRequestsTotal: new Counter("xbridge_http_requests_total", "API-group HTTP responses."),
    httpRequestDurationSeconds: new Histogram(
      "xbridge_http_request_duration_seconds",
      "API-group HTTP request duration in seconds (WebSocket: until upgrade).",
      LATENCY_BUCKETS,
    ),
    wsConnections: new Gauge("xbridge_ws_connections", "Open call WebSockets."),
    wsFramesTotal: new LabeledCounter<WsFrameDirection>(
      "xbridge_ws_frames_total",
      "Messages sent on call WebSockets, and client audio messages accepted into a queue.",
      "direction",
      ["sent", "received"],
    ),
    webhooksTotal: new LabeledCounter<WebhookResult>(
      "xbridge_webhooks_total",
      "Lifecycle events delivered (success) or given up into the dead-letter queue (failure).",
      "result",
      ["success", "failure"],
    ),
    webhookDurationSeconds: new Histogram(
      "xbridge_webhook_duration_seconds",
      "Duration of every webhook HTTP attempt in seconds.",
      LATENCY_BUCKETS,
    ),
    trunkCallsTotal: new Counter(
      "xbridge_trunk_calls_total",
      "Inbound calls from trunk-host peers accepted by the app.",
    ),
    rateLimitRejectionsTotal: new Counter(
      "xbridge_rate_limit_rejections_total",
      "Requests rejected with 429 by the rate limiter.",
    ),
    incomingWebhooksTotal: new LabeledCounter<IncomingWebhookResult>(
      "xbridge_incoming_webhooks_total",
      "Outcomes of the /incoming decision webhook.",
      "result",
      ["accept", "reject", "error"],
    ),
    webhookDlqEntries: new Gauge("xbridge_webhook_dlq_entries", "Current dead-letter queue length."),
    trunkRegistered: new LabeledGauge(
      "xbridge_trunk_registered",
      "1 while the trunk is registered, else 0.",
      "trunk",
    ),
  };
  const families: readonly MetricFamily[] = Object.values(m);
  return {
    ...m,
    render() {
      let out = "";
      for (const f of families) out += f.render();
      return out;
    },
  };
}
