import { describe, expect, test } from "bun:test";
import { type Logger, nullLogger } from "../../src/lib/logger.ts";
import { dispatcherHarness, dtmf, EVENTS_URL, ended } from "./dispatcher-fixture.ts";
import { settle } from "./fake-http.ts";

describe("lifecycle webhook outcomes: metrics and DLQ (webhooks.md §4, §5)", () => {
  test("counts success once per event and observes every attempt's duration", async () => {
    const h = dispatcherHarness({ retry: 1 });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    await settle();
    h.clock.advance(250);
    h.http.last().respond(500);
    await settle();
    h.clock.advance(150);
    await settle();
    h.clock.advance(40);
    h.http.last().respond(201);
    await settle();
    expect(h.metrics.webhooksTotal.child("success").value).toBe(1);
    expect(h.metrics.webhooksTotal.child("failure").value).toBe(0);
    expect(h.metrics.webhookDurationSeconds.count).toBe(2);
    expect(h.metrics.webhookDurationSeconds.sum).toBeCloseTo(0.29, 9);
    expect(h.dlq.length).toBe(0);
  });

  test("after the last failed attempt counts one failure and dead-letters the exact body", async () => {
    const h = dispatcherHarness({ retry: 1 });
    h.http.auto = () => ({ status: 500, body: "oops" });
    h.clock.advance(2000);
    h.dispatcher.enqueue(ended("CA7"), "http://127.0.0.1:4000/per-call");
    await settle();
    h.clock.advance(150);
    await settle();
    expect(h.metrics.webhooksTotal.child("failure").value).toBe(1);
    expect(h.metrics.webhooksTotal.child("success").value).toBe(0);
    expect(h.metrics.webhookDurationSeconds.count).toBe(2);
    expect(h.metrics.webhookDlqEntries.value).toBe(1);
    const [entry] = h.dlq.list();
    expect(entry).toBeDefined();
    expect(JSON.parse(JSON.stringify(entry))).toEqual({
      event: {
        event: "call.ended",
        call_id: "CA7",
        reason: "normal",
        duration: 3,
        timestamp: "2026-03-12T10:30:02.000Z",
      },
      url: "http://127.0.0.1:4000/per-call",
      error: "HTTP 500",
      attempts: 2,
      timestamp: entry!.timestamp,
    });
    expect(entry!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(entry!.timestamp)).toBe(Date.parse("2026-03-12T10:30:02Z"));
    expect(JSON.parse(h.http.last().body)).toEqual(entry!.event);
  });

  test("records the transport description as the DLQ error", async () => {
    const h = dispatcherHarness({ retry: 0 });
    h.http.auto = () => ({ error: "connection refused" });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    await settle();
    expect(h.dlq.list()[0]).toMatchObject({ error: "connection refused", attempts: 1, url: EVENTS_URL });
  });

  test("a port that throws counts as a failed attempt instead of crashing delivery", async () => {
    const h = dispatcherHarness({ retry: 0, http: () => Promise.reject(new Error("socket hang up")) });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    await settle();
    expect(h.dlq.list()[0]?.error).toBe("socket hang up");
    expect(h.dispatcher.pending).toBe(0);
  });
});

describe("lifecycle webhook queue bounds (DESIGN.md: bounded everything)", () => {
  test("dead-letters an event over the per-call bound with 'queue full' and 0 attempts", async () => {
    const h = dispatcherHarness({ maxQueuedPerCall: 2 });
    expect(h.dispatcher.enqueue(dtmf("CA1", "1"))).toBe(true);
    expect(h.dispatcher.enqueue(dtmf("CA1", "2"))).toBe(true);
    expect(h.dispatcher.enqueue(dtmf("CA1", "3"))).toBe(false);
    expect(h.dlq.list()).toMatchObject([{ error: "queue full", attempts: 0, event: { digit: "3" } }]);
    expect(h.metrics.webhooksTotal.child("failure").value).toBe(1);
    // Other calls have their own bound.
    expect(h.dispatcher.enqueue(dtmf("CA2", "1"))).toBe(true);
  });

  test("logs one warning per overflow, not one per dead-lettered event, and warns again after the queue had room", async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...nullLogger, warn: (msg) => warnings.push(msg) };
    const h = dispatcherHarness({ maxQueuedPerCall: 1, logger });
    h.http.auto = () => ({ status: 200, body: "" });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    for (const d of ["2", "3", "4"]) expect(h.dispatcher.enqueue(dtmf("CA1", d))).toBe(false);
    expect(h.dlq.length).toBe(3);
    expect(warnings).toEqual(["webhook queue full, events dead-lettered until it has room"]);
    await settle();
    h.dispatcher.enqueue(dtmf("CA1", "5"));
    expect(h.dispatcher.enqueue(dtmf("CA1", "6"))).toBe(false);
    expect(warnings).toHaveLength(2);
  });

  test("still admits call.ended when the call's queue is full", async () => {
    const h = dispatcherHarness({ maxQueuedPerCall: 1 });
    h.http.auto = () => ({ status: 200, body: "" });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    expect(h.dispatcher.enqueue(ended("CA1"))).toBe(true);
    await settle();
    expect(h.http.requests.map((r) => r.json.event)).toEqual(["call.dtmf", "call.ended"]);
  });

  test("dead-letters anything once the total bound is reached", async () => {
    const h = dispatcherHarness({ maxQueued: 2 });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    h.dispatcher.enqueue(dtmf("CA2", "1"));
    expect(h.dispatcher.enqueue(ended("CA3"))).toBe(false);
    expect(h.dlq.list()[0]?.event.call_id).toBe("CA3");
    expect(h.dispatcher.pending).toBe(2);
  });
});

describe("flush on shutdown (spec README: queued webhooks get up to 5 s)", () => {
  test("resolves 0 at once when nothing is queued", async () => {
    const h = dispatcherHarness();
    expect(await h.dispatcher.flush(5000)).toBe(0);
  });

  test("resolves as soon as every queue has drained, before the deadline", async () => {
    const h = dispatcherHarness();
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    h.dispatcher.enqueue(ended("CA1"));
    let left: number | undefined;
    void h.dispatcher.flush(5000).then((n) => {
      left = n;
    });
    await settle();
    h.http.last().respond(200);
    await settle();
    expect(left).toBeUndefined();
    h.http.last().respond(200);
    await settle();
    expect(left).toBe(0);
    expect(h.clock.pending).toBe(0);
  });

  test("gives up at the deadline and reports how many events were still undelivered", async () => {
    const h = dispatcherHarness({ timeoutMs: 10_000 });
    h.dispatcher.enqueue(dtmf("CA1", "1"));
    h.dispatcher.enqueue(ended("CA1"));
    h.dispatcher.enqueue(ended("CA2"));
    let left: number | undefined;
    void h.dispatcher.flush(5000).then((n) => {
      left = n;
    });
    await settle();
    h.http.requests[1]!.respond(200);
    await settle();
    h.clock.advance(4999);
    await settle();
    expect(left).toBeUndefined();
    h.clock.advance(1);
    await settle();
    expect(left).toBe(2);
  });
});
