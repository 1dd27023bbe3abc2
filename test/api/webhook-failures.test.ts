import { describe, expect, test } from "bun:test";
import { createApiApp } from "../../src/api/create-api-app.ts";
import { webhookFailuresRoutes } from "../../src/api/routes/webhook-failures.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { type DeadLetterEntry, DeadLetterQueue } from "../../src/webhook/dead-letter-queue.ts";
import { ManualClock } from "../support/manual-clock.ts";

function entry(callId: string, error: string): DeadLetterEntry {
  return {
    event: {
      event: "call.ended",
      call_id: callId,
      reason: "normal",
      duration: 45,
      timestamp: "2026-03-12T10:29:59.500Z",
    },
    url: "http://127.0.0.1:3000/events",
    error,
    attempts: 2,
    timestamp: "2026-03-12T10:30:00Z",
  };
}

function setup(apiKey?: string) {
  const metrics = createMetrics();
  const dlq = new DeadLetterQueue({ onLength: (n) => metrics.webhookDlqEntries.set(n) });
  const app = createApiApp({
    clock: new ManualClock(),
    metrics,
    logger: nullLogger,
    health: () => ({ status: "ok", sip_trunks: 0, sip_server: false, active_calls: 0, trunks: [] }),
    routes: [webhookFailuresRoutes(dlq)],
    ...(apiKey === undefined ? {} : { apiKey }),
  });
  return { app, dlq, metrics };
}

describe("/v1/webhooks/failures (rest-api.md)", () => {
  test("GET lists dead-lettered entries oldest first in the webhooks.md §5 shape", async () => {
    const { app, dlq } = setup();
    dlq.push(entry("CA1", "HTTP 500"));
    dlq.push(entry("CA2", "timeout"));
    const res = await app.request("/v1/webhooks/failures");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    expect(await res.json()).toEqual({ failures: [entry("CA1", "HTTP 500"), entry("CA2", "timeout")] });
  });

  test("GET does not remove entries", async () => {
    const { app, dlq } = setup();
    dlq.push(entry("CA1", "HTTP 500"));
    await app.request("/v1/webhooks/failures");
    expect(
      ((await (await app.request("/v1/webhooks/failures")).json()) as { failures: unknown[] }).failures,
    ).toHaveLength(1);
    expect(dlq.length).toBe(1);
  });

  test("GET answers an empty list when nothing failed", async () => {
    const { app } = setup();
    expect(await (await app.request("/v1/webhooks/failures")).json()).toEqual({ failures: [] });
  });

  test("DELETE empties the queue, returns the count and zeroes the DLQ gauge", async () => {
    const { app, dlq, metrics } = setup();
    dlq.push(entry("CA1", "HTTP 500"));
    dlq.push(entry("CA2", "HTTP 503"));
    expect(metrics.webhookDlqEntries.value).toBe(2);
    const res = await app.request("/v1/webhooks/failures", { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ drained: 2 });
    expect(dlq.length).toBe(0);
    expect(metrics.webhookDlqEntries.value).toBe(0);
    expect(await (await app.request("/v1/webhooks/failures", { method: "DELETE" })).json()).toEqual({
      drained: 0,
    });
  });

  test("requires the API key like every /v1 route", async () => {
    const { app } = setup("k3y");
    expect((await app.request("/v1/webhooks/failures")).status).toBe(401);
    const ok = await app.request("/v1/webhooks/failures", { headers: { Authorization: "Bearer k3y" } });
    expect(ok.status).toBe(200);
  });

  test("answers 405 with Allow for another method", async () => {
    const { app } = setup();
    const res = await app.request("/v1/webhooks/failures", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toContain("DELETE");
  });
});
