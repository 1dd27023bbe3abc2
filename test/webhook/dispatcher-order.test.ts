import { describe, expect, test } from "bun:test";
import { retryDelayMs } from "../../src/webhook/backoff.ts";
import { seededRandom } from "../support/seeded-random.ts";
import { dispatcherHarness, dtmf, EVENTS_URL, ended, SEED } from "./dispatcher-fixture.ts";
import { settle } from "./fake-http.ts";

const digitsOf = (reqs: ReadonlyArray<{ json: Record<string, unknown> }>) =>
  reqs.map((r) => r.json.digit ?? r.json.event);

describe("lifecycle webhook delivery order (webhooks.md §1 Ordering)", () => {
  test("POSTs the event body to webhook.url exactly, stamped when it was enqueued", async () => {
    const h = dispatcherHarness();
    h.clock.advance(1234);
    h.dispatcher.enqueue(dtmf("CA1", "5"));
    await settle();
    expect(h.http.requests.length).toBe(1);
    const r = h.http.last();
    expect(r.url).toBe(EVENTS_URL);
    expect(r.timeoutMs).toBe(5000);
    expect(r.body).toBe(
      '{"event":"call.dtmf","call_id":"CA1","digit":"5","timestamp":"2026-03-12T10:30:01.234Z"}',
    );
  });

  test("sends to the call's webhook_url override when one is given", async () => {
    const h = dispatcherHarness();
    h.dispatcher.enqueue(dtmf("CA1", "5"), "https://other.example/hooks");
    await settle();
    expect(h.http.last().url).toBe("https://other.example/hooks");
  });

  test("holds a call's next event until the previous one succeeded after a retry", async () => {
    const h = dispatcherHarness({ retry: 2 });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    h.dispatcher.enqueue(dtmf("CA1", "2"));
    h.dispatcher.enqueue(ended("CA1"));
    await settle();
    expect(digitsOf(h.http.requests)).toEqual(["1"]);
    h.http.last().respond(500);
    await settle();
    h.clock.advance(retryDelayMs(1, seededRandom(SEED)) - 1);
    await settle();
    expect(digitsOf(h.http.requests)).toEqual(["1"]);
    h.clock.advance(1);
    await settle();
    expect(digitsOf(h.http.requests)).toEqual(["1", "1"]);
    h.http.last().respond(204);
    await settle();
    expect(digitsOf(h.http.requests)).toEqual(["1", "1", "2"]);
    h.http.last().respond(200);
    await settle();
    expect(digitsOf(h.http.requests)).toEqual(["1", "1", "2", "call.ended"]);
  });

  test("holds a call's next event until the previous one was dead-lettered", async () => {
    const h = dispatcherHarness({ retry: 1 });
    h.http.auto = () => ({ error: "connection refused" });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    h.dispatcher.enqueue(ended("CA1"));
    await settle();
    expect(digitsOf(h.http.requests)).toEqual(["1"]);
    h.clock.advance(150);
    await settle();
    expect(h.dlq.list().map((e) => e.event.event)).toEqual(["call.dtmf"]);
    expect(digitsOf(h.http.requests)).toEqual(["1", "1", "call.ended"]);
  });

  test("delivers another call's events while one call is waiting to retry", async () => {
    const h = dispatcherHarness();
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    await settle();
    h.http.last().respond(503);
    await settle();
    h.dispatcher.enqueue(dtmf("CA2", "9"));
    h.dispatcher.enqueue(ended("CA2"));
    await settle();
    expect(digitsOf(h.http.requests)).toEqual(["1", "9"]);
    h.http.last().respond(200);
    await settle();
    expect(digitsOf(h.http.requests)).toEqual(["1", "9", "call.ended"]);
    expect(h.http.last().json.call_id).toBe("CA2");
  });

  test("has one request in flight per call and one per call in parallel", async () => {
    const h = dispatcherHarness();
    for (const id of ["CA1", "CA2", "CA3"]) {
      h.dispatcher.enqueue(dtmf(id, "1"));
      h.dispatcher.enqueue(dtmf(id, "2"));
    }
    await settle();
    expect(h.http.requests.map((r) => `${r.json.call_id}:${r.json.digit}`)).toEqual([
      "CA1:1",
      "CA2:1",
      "CA3:1",
    ]);
    expect(h.dispatcher.pending).toBe(6);
  });

  test("waits exactly the seeded backoff before each retry (retry 3)", async () => {
    const h = dispatcherHarness({ retry: 3 });
    h.http.auto = () => ({ status: 500, body: "" });
    const ref = seededRandom(SEED);
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    await settle();
    const waits: number[] = [];
    for (let k = 1; k <= 3; k++) {
      const wait = retryDelayMs(k, ref);
      waits.push(wait);
      h.clock.advance(wait - 1);
      await settle();
      expect(h.http.requests.length).toBe(k);
      h.clock.advance(1);
      await settle();
      expect(h.http.requests.length).toBe(k + 1);
    }
    expect(waits[0]).toBeWithin(100, 151);
    expect(waits[1]).toBeWithin(200, 301);
    expect(waits[2]).toBeWithin(400, 601);
    expect(h.dlq.list()[0]?.attempts).toBe(4);
    h.clock.advance(60_000);
    await settle();
    expect(h.http.requests.length).toBe(4);
  });

  test("retries a 4xx and a 3xx like any other failure", async () => {
    const h = dispatcherHarness({ retry: 1 });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    h.dispatcher.enqueue(dtmf("CA2", "2"));
    await settle();
    h.http.requests[0]!.respond(404);
    h.http.requests[1]!.respond(302);
    await settle();
    h.clock.advance(150);
    await settle();
    expect(h.http.requests.length).toBe(4);
  });

  test("treats an attempt without an answer within webhook.timeout as failed with 'timeout'", async () => {
    const h = dispatcherHarness({ retry: 0, timeoutMs: 2000 });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    await settle();
    h.clock.advance(1999);
    await settle();
    expect(h.dlq.length).toBe(0);
    h.clock.advance(1);
    await settle();
    expect(h.dlq.list()[0]?.error).toBe("timeout");
    // A late answer from the timed-out attempt changes nothing.
    h.http.last().respond(200);
    await settle();
    expect(h.metrics.webhooksTotal.child("success").value).toBe(0);
  });
});
