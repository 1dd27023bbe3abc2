/**
 * The composition root's small adapters: CallEvents move the call metrics and reach the
 * webhook dispatcher with the call's own URL; outbound calls are counted when the INVITE went
 * out; negotiated SRTP keys become media key material (spec/rest-api.md metrics, RFC 4568 §6.1).
 */
import { describe, expect, test } from "bun:test";
import type { CallsPort } from "../../src/api/routes/calls.ts";
import type { CallManager } from "../../src/call/call-manager.ts";
import type { CallEvent } from "../../src/call/events.ts";
import { countingCalls, createEventFanout } from "../../src/gateway/event-fanout.ts";
import { mediaParams } from "../../src/gateway/media-bridge.ts";
import { err, ok } from "../../src/lib/result.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import type { WebhookDispatcher } from "../../src/webhook/dispatcher.ts";

function line(metrics: ReturnType<typeof createMetrics>, prefix: string): string | undefined {
  return metrics
    .render()
    .split("\n")
    .find((l) => l.startsWith(prefix));
}

function fakeDispatcher() {
  const sent: Array<{ e: CallEvent; url: string | undefined }> = [];
  const d = {
    enqueue: (e: CallEvent, url?: string) => {
      sent.push({ e, url });
      return true;
    },
  };
  return { sent, dispatcher: d as unknown as WebhookDispatcher };
}

const inboundPeerCall = {
  callId: "CA1",
  direction: "inbound",
  peer: "pbx",
  webhookUrl: "http://127.0.0.1:3000/per-call",
};

describe("event fan-out", () => {
  test("an inbound call answered for a peer counts once in calls_total and trunk_calls_total", () => {
    const metrics = createMetrics();
    const { dispatcher } = fakeDispatcher();
    const manager = { get: () => inboundPeerCall } as unknown as CallManager;
    const fanout = createEventFanout(dispatcher, metrics, () => manager);
    fanout({ type: "call.answered", callId: "CA1", from: "a", to: "b" } as CallEvent);
    expect(line(metrics, 'xbridge_calls_total{direction="inbound"}')).toBe(
      'xbridge_calls_total{direction="inbound"} 1',
    );
    expect(line(metrics, "xbridge_trunk_calls_total")).toBe("xbridge_trunk_calls_total 1");
    expect(line(metrics, 'xbridge_calls_total{direction="outbound"}')).toBe(
      'xbridge_calls_total{direction="outbound"} 0',
    );
  });

  test("call.ended observes the duration once and every event goes to the call's webhook_url", () => {
    const metrics = createMetrics();
    const { dispatcher, sent } = fakeDispatcher();
    const manager = { get: () => inboundPeerCall } as unknown as CallManager;
    const fanout = createEventFanout(dispatcher, metrics, () => manager);
    fanout({ type: "call.ended", callId: "CA1", reason: "normal", duration: 42 } as CallEvent);
    expect(line(metrics, "xbridge_call_duration_seconds_count")).toBe(
      "xbridge_call_duration_seconds_count 1",
    );
    expect(line(metrics, "xbridge_call_duration_seconds_sum")).toBe("xbridge_call_duration_seconds_sum 42");
    expect(sent.map((s) => s.url)).toEqual(["http://127.0.0.1:3000/per-call"]);
  });

  test("outbound calls count when the INVITE was sent, not when the request was refused", async () => {
    const metrics = createMetrics();
    let refuse = false;
    const manager = {
      create: async () => (refuse ? err({ code: "peer_not_found" }) : ok({ callId: "CA2" })),
      list: () => [],
      get: () => undefined,
      hangup: () => ok(undefined),
    } as unknown as CallsPort;
    const calls = countingCalls(manager, metrics);
    await calls.create({ to: "1", from: "2", peer: "pbx" } as Parameters<CallsPort["create"]>[0]);
    refuse = true;
    await calls.create({ to: "1", from: "2", peer: "nope" } as Parameters<CallsPort["create"]>[0]);
    expect(line(metrics, 'xbridge_calls_total{direction="outbound"}')).toBe(
      'xbridge_calls_total{direction="outbound"} 1',
    );
  });
});

describe("media parameters from SDP negotiation", () => {
  test("splits each 30-byte inline key into a 16-byte master key and a 14-byte salt", () => {
    const local = btoa(String.fromCharCode(...Array.from({ length: 30 }, (_, i) => i)));
    const remote = btoa(String.fromCharCode(...Array.from({ length: 30 }, (_, i) => 100 + i)));
    const p = mediaParams({
      codec: "pcmu",
      payloadType: 0,
      clockRate: 8000,
      telephoneEventPt: 101,
      remoteAddr: "127.0.0.1",
      remotePort: 4000,
      remoteRtcpPort: 4001,
      direction: "sendrecv",
      remoteHold: false,
      crypto: { tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", localKey: local, remoteKey: remote },
    });
    expect(p.telephoneEventPayloadType).toBe(101);
    expect(p.remote).toEqual({ address: "127.0.0.1", port: 4000, rtcpPort: 4001 });
    expect(Array.from(p.crypto!.local.masterKey)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(Array.from(p.crypto!.local.masterSalt)).toEqual(Array.from({ length: 14 }, (_, i) => 16 + i));
    expect(p.crypto!.remote.masterKey[0]).toBe(100);
  });

  test("plain RTP has no crypto", () => {
    const p = mediaParams({
      codec: "g722",
      payloadType: 9,
      clockRate: 8000,
      remoteAddr: "127.0.0.1",
      remotePort: 4000,
      remoteRtcpPort: 4001,
      direction: "sendrecv",
      remoteHold: false,
    });
    expect(p.crypto).toBeUndefined();
    expect(p.telephoneEventPayloadType).toBeUndefined();
  });
});
