import { describe, expect, test } from "bun:test";
import { buildHealthReport } from "../../src/api/health.ts";
import { harness } from "./fixture.ts";

describe("GET /health (rest-api.md)", () => {
  test("answers 200 with the report from deps.health() at request time", async () => {
    let registered = false;
    const { app } = harness({
      health: () =>
        buildHealthReport({
          trunks: [{ name: "telnyx", registered }],
          sipServerListening: false,
          activeCalls: 3,
        }),
    });
    const first = await app.request("/health");
    expect(first.status).toBe(200);
    expect(first.headers.get("Content-Type")).toStartWith("application/json");
    expect(await first.json()).toEqual({
      status: "starting",
      sip_trunks: 0,
      sip_server: false,
      active_calls: 3,
      trunks: [{ name: "telnyx", registered: false }],
    });
    registered = true;
    expect(await (await app.request("/health")).json()).toEqual({
      status: "ok",
      sip_trunks: 1,
      sip_server: false,
      active_calls: 3,
      trunks: [{ name: "telnyx", registered: true }],
    });
  });
});

describe("buildHealthReport", () => {
  test("is ok when only the trunk-host socket listens, and counts trunks registered now", () => {
    const r = buildHealthReport({
      trunks: [
        { name: "a", registered: true },
        { name: "b", registered: false },
        { name: "c", registered: true },
      ],
      sipServerListening: false,
      activeCalls: 0,
    });
    expect([r.status, r.sip_trunks]).toEqual(["ok", 2]);
    expect(r.trunks.map((t) => t.name)).toEqual(["a", "b", "c"]);
    const hostOnly = buildHealthReport({ trunks: [], sipServerListening: true, activeCalls: 1 });
    expect([hostOnly.status, hostOnly.sip_trunks, hostOnly.sip_server]).toEqual(["ok", 0, true]);
  });
});

describe("GET /metrics (rest-api.md)", () => {
  test("serves the exposition with the Prometheus 0.0.4 content type", async () => {
    const { app, metrics } = harness();
    metrics.callsTotal.inc("outbound");
    const res = await app.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text).toContain(
      '# TYPE xbridge_calls_total counter\nxbridge_calls_total{direction="inbound"} 0\nxbridge_calls_total{direction="outbound"} 1\n',
    );
    expect(text).toBe(metrics.render());
  });

  test("shows API traffic and rejections counted by the middleware", async () => {
    const { app } = harness({ rateLimitRps: 1 });
    for (let i = 0; i < 3; i++) await app.request("/v1/things/1");
    const text = await (await app.request("/metrics")).text();
    expect(text).toContain("\nxbridge_http_requests_total 3\n");
    expect(text).toContain("\nxbridge_rate_limit_rejections_total 1\n");
  });
});
