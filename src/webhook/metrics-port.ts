/**
 * The metrics the webhook module moves (spec/rest-api.md "GET /metrics"), as a structural port:
 * the `Metrics` object of `src/metrics/metrics.ts` satisfies it as is, without this layer
 * importing its neighbour (DESIGN.md layer table), and tests can pass that object or a spy.
 */
export interface WebhookMetrics {
  /** `xbridge_webhooks_total{result}`: once per lifecycle event, never per attempt. */
  readonly webhooksTotal: { inc(result: "success" | "failure"): void };
  /** `xbridge_webhook_duration_seconds`: every HTTP attempt, lifecycle and `/incoming`. */
  readonly webhookDurationSeconds: { observe(seconds: number): void };
  /** `xbridge_webhook_dlq_entries`: the DLQ length after every change. */
  readonly webhookDlqEntries: { set(n: number): void };
  /** `xbridge_incoming_webhooks_total{result}`: one per `/incoming` request. */
  readonly incomingWebhooksTotal: { inc(result: "accept" | "reject" | "error"): void };
}
