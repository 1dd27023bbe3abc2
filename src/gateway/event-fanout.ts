/**
 * Where CallEvents go (DESIGN.md data path "CallEvents ─▶ webhook/dispatcher and metrics"):
 * each event is enqueued for its webhook URL (per-call `webhook_url` or the global one) and
 * moves the call metrics of spec/rest-api.md.
 */
import type { CallsPort } from "../api/routes/calls.ts";
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

/**
 * The calls port of the REST routes, counting `xbridge_calls_total{direction="outbound"}` when
 * an INVITE was sent (spec/rest-api.md: "outbound: calls whose INVITE was sent").
 */
export function countingCalls(manager: CallsPort, metrics: Metrics): CallsPort {
  return {
    create: async (request) => {
      const created = await manager.create(request);
      if (created.ok) metrics.callsTotal.inc("outbound");
      return created;
    },
    list: () => manager.list(),
    get: (id) => manager.get(id),
    hangup: (id) => manager.hangup(id),
  };
}
