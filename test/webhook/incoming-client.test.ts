import { describe, expect, test } from "bun:test";
import type { IncomingCallRequest } from "../../src/call/events.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import {
  IncomingClient,
  type IncomingClientOptions,
  incomingUrl,
} from "../../src/webhook/incoming-client.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { FakeHttp, settle } from "./fake-http.ts";

const CALL: IncomingCallRequest = { callId: "CA0f3c", from: "1001", to: "+15551234567", peer: "office-pbx" };

function setup(over: Partial<IncomingClientOptions> = {}) {
  const clock = new ManualClock();
  const http = new FakeHttp();
  const metrics = createMetrics();
  const client = new IncomingClient({
    url: "http://127.0.0.1:3000/events",
    timeoutMs: 5000,
    http: http.post,
    clock,
    timers: clock,
    metrics,
    logger: nullLogger,
    ...over,
  });
  const count = (r: "accept" | "reject" | "error") => metrics.incomingWebhooksTotal.child(r).value;
  return { clock, http, metrics, client, count };
}

/** Asks, answers the one request with `status`/`body`, returns the decision. */
async function answer(status: number, body: string, s = setup()) {
  const pending = s.client.decide(CALL);
  await settle();
  s.http.last().respond(status, body);
  return { decision: await pending, ...s };
}

describe("/incoming URL (webhooks.md §1 Incoming URL)", () => {
  test("appends /incoming after removing one trailing slash", () => {
    expect(incomingUrl("http://app/events")).toBe("http://app/events/incoming");
    expect(incomingUrl("http://app/events/")).toBe("http://app/events/incoming");
    expect(incomingUrl("http://app:3000")).toBe("http://app:3000/incoming");
    expect(incomingUrl("http://app/events//")).toBe("http://app/events//incoming");
  });
});

describe("/incoming decision client (webhooks.md §2)", () => {
  test("POSTs the call facts with direction inbound to {url}/incoming with webhook.timeout", async () => {
    const s = setup();
    void s.client.decide(CALL);
    await settle();
    const r = s.http.last();
    expect(r.url).toBe("http://127.0.0.1:3000/events/incoming");
    expect(r.timeoutMs).toBe(5000);
    expect(r.body).toBe(
      '{"call_id":"CA0f3c","from":"1001","to":"+15551234567","direction":"inbound","peer":"office-pbx"}',
    );
  });

  test("omits peer and trunk when the call has none, and sends trunk when it has one", async () => {
    const s = setup();
    void s.client.decide({ callId: "CA1", from: "a", to: "b" });
    void s.client.decide({ callId: "CA2", from: "a", to: "b", trunk: "telnyx" });
    await settle();
    expect(s.http.requests[0]!.json).toEqual({ call_id: "CA1", from: "a", to: "b", direction: "inbound" });
    expect(s.http.requests[1]!.json.trunk).toBe("telnyx");
  });

  test("returns an accept with its options and counts incoming{accept}", async () => {
    const { decision, count, metrics } = await answer(
      200,
      '{"action":"accept","stream":false,"custom_parameters":{"k":"v"},"webhook_url":"http://127.0.0.1:9/e"}',
    );
    expect(decision).toEqual({
      action: "accept",
      stream: false,
      customParameters: { k: "v" },
      webhookUrl: "http://127.0.0.1:9/e",
    });
    expect([count("accept"), count("reject"), count("error")]).toEqual([1, 0, 0]);
    expect(metrics.webhookDurationSeconds.count).toBe(1);
    expect(metrics.webhooksTotal.child("success").value).toBe(0);
  });

  test("returns a reject with its SIP code and counts incoming{reject}", async () => {
    const { decision, count } = await answer(202, '{"action":"reject","reason":"unavailable"}');
    expect(decision).toEqual({ action: "reject", reason: "unavailable", sipCode: 480 });
    expect(count("reject")).toBe(1);
  });

  const failures: Array<[string, number, string, string]> = [
    ["a non-2xx status", 500, '{"action":"accept"}', "HTTP 500"],
    ["a 4xx status", 404, "", "HTTP 404"],
    ["a redirect", 302, "", "HTTP 302"],
    ["a body that is not JSON", 200, "OK", "body is not JSON"],
    ["a missing action", 200, "{}", "action is missing"],
  ];
  for (const [name, status, body, error] of failures) {
    test(`turns ${name} into an error decision (→ 503), once, without retry`, async () => {
      const { decision, count, http, clock, metrics } = await answer(status, body);
      expect(decision).toEqual({ action: "error", error });
      expect(count("error")).toBe(1);
      clock.advance(60_000);
      await settle();
      expect(http.requests.length).toBe(1);
      expect(metrics.webhooksTotal.child("failure").value).toBe(0);
      expect(metrics.webhookDlqEntries.value).toBe(0);
    });
  }

  test("turns a transport failure into an error decision", async () => {
    const s = setup();
    const pending = s.client.decide(CALL);
    await settle();
    s.http.last().fail("connection refused");
    expect(await pending).toEqual({ action: "error", error: "connection refused" });
    expect(s.count("error")).toBe(1);
  });

  test("turns a body over the size limit into an error decision", async () => {
    const s = setup({ http: () => Promise.resolve({ status: 200, body: undefined }) });
    expect(await s.client.decide(CALL)).toEqual({ action: "error", error: "response body too large" });
  });

  test("gives up after webhook.timeout with an error decision and times the attempt", async () => {
    const s = setup({ timeoutMs: 3000 });
    let decision: unknown;
    void s.client.decide(CALL).then((d) => {
      decision = d;
    });
    await settle();
    s.clock.advance(2999);
    await settle();
    expect(decision).toBeUndefined();
    s.clock.advance(1);
    await settle();
    expect(decision).toEqual({ action: "error", error: "timeout" });
    expect(s.metrics.webhookDurationSeconds.sum).toBe(3);
    expect(s.count("error")).toBe(1);
  });

  test("answers 'overloaded' without a request once 256 decisions are pending", async () => {
    const s = setup();
    for (let i = 0; i < 256; i++) void s.client.decide({ ...CALL, callId: `CA${i}` });
    await settle();
    expect(s.client.pending).toBe(256);
    expect(await s.client.decide(CALL)).toEqual({ action: "error", error: "overloaded" });
    expect(s.http.requests.length).toBe(256);
    expect(s.count("error")).toBe(0);
    s.http.requests[0]!.respond(200, '{"action":"accept"}');
    await settle();
    expect(s.client.pending).toBe(255);
    void s.client.decide(CALL);
    await settle();
    expect(s.http.requests.length).toBe(257);
  });
});
