/**
 * Where CallEvents go (DESIGN.md data path "CallEvents ─▶ webhook/dispatcher and metrics"):
 * each event is enqueued for its webhook URL (per-call `webhook_url` or the global one) and
 * moves the call metrics of spec/rest-api.md.
 */
import type { CallManager } from "../call/call-manager.ts";
import type { CallEvent } from "../call/events.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { WebhookDispatcher } from "../webhook/dispatcher.ts";

export function createEventFanout(
  dispatcher: WebhookDispatcher,
  metrics: Metrics,
  manager: () => CallManager | undefined,
): (e: CallEvent) => void {
  return (e) => {
    const call = manager()?.get(e.callId);
    if (e.type === "call.answered" && call?.direction === "inbound") {
      // "inbound: calls accepted by the app"; peer calls also count as trunk calls.
      metrics.callsTotal.inc("inbound");
      if (call.peer !== undefined) metrics.trunkCallsTotal.inc();
    }
    if (e.type === "call.ended") metrics.callDurationSeconds.observe(e.duration);
    dispatcher.enqueue(e, call?.webhookUrl);
  };
}
