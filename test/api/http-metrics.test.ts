import { describe, expect, test } from "bun:test";
import { harness } from "./fixture.ts";

describe("HTTP metrics middleware (rest-api.md GET /metrics)", () => {
  test("counts every API-group response, including 401 and 429", async () => {
    const { app, metrics } = harness({ apiKey: "k", rateLimitRps: 1 });
    expect((await app.request("/v1/things/1", { headers: { Authorization: "Bearer k" } })).status).toBe(200);
    expect((await app.request("/v1/things/1")).status).toBe(401);
    expect((await app.request("/v1/things/1")).status).toBe(429);
    expect(metrics.httpRequestsTotal.value).toBe(3);
    expect(metrics.httpRequestDurationSeconds.count).toBe(3);
  });

  test("counts validation failures, handler errors, 405s and WebSocket upgrade checks", async () => {
    const { app, metrics } = harness();
    await app.request("/v1/things", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } });
    await app.request("/v1/boom");
    await app.request("/v1/things/1", { method: "PUT" });
    await app.request("/ws/CA1", { headers: { Upgrade: "websocket" } });
    expect(metrics.httpRequestsTotal.value).toBe(4);
  });

  test("does not count /health, /metrics or unknown routes", async () => {
    const { app, metrics } = harness();
    await app.request("/health");
    await app.request("/metrics");
    await app.request("/v1/unknown");
    await app.request("/nowhere");
    expect(metrics.httpRequestsTotal.value).toBe(0);
    expect(metrics.httpRequestDurationSeconds.count).toBe(0);
  });

  test("observes the duration on the injected clock, in seconds", async () => {
    const { app, metrics } = harness();
    expect((await app.request("/v1/things/1/wait", { method: "POST" })).status).toBe(200);
    expect(metrics.httpRequestDurationSeconds.sum).toBeCloseTo(0.03, 9);
    const text = metrics.render();
    expect(text).toContain('xbridge_http_request_duration_seconds_bucket{le="0.025"} 0\n');
    expect(text).toContain('xbridge_http_request_duration_seconds_bucket{le="0.05"} 1\n');
  });
});
