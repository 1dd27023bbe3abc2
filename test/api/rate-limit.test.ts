import { describe, expect, test } from "bun:test";
import { TokenBucket } from "../../src/api/middleware/rate-limit/token-bucket.ts";
import { harness } from "./fixture.ts";

describe("global rate limit (rest-api.md §1.3)", () => {
  test("with rps = 1 lets two immediate requests pass and answers the third 429 with Retry-After: 1", async () => {
    const { app, metrics } = harness({ rateLimitRps: 1 });
    expect((await app.request("/v1/things/1")).status).toBe(200);
    expect((await app.request("/v1/things/2")).status).toBe(200);
    const res = await app.request("/v1/things/3");
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(((await res.json()) as { error: string }).error).toBe("rate_limited");
    expect(metrics.rateLimitRejectionsTotal.value).toBe(1);
  });

  test("refills continuously: one token after one second at rps = 1, none after half", async () => {
    const { app, clock } = harness({ rateLimitRps: 1 });
    await app.request("/v1/things/1");
    await app.request("/v1/things/1");
    clock.advance(500);
    expect((await app.request("/v1/things/1")).status).toBe(429);
    clock.advance(500);
    expect((await app.request("/v1/things/1")).status).toBe(200);
    expect((await app.request("/v1/things/1")).status).toBe(429);
  });

  test("never holds more than 2 × rps tokens however long it idles", async () => {
    const { app, clock } = harness({ rateLimitRps: 2 });
    clock.advance(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.request("/v1/things/1")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  test("never limits or counts the public routes", async () => {
    const { app, metrics } = harness({ rateLimitRps: 1 });
    for (let i = 0; i < 5; i++) {
      expect((await app.request("/health")).status).toBe(200);
      expect((await app.request("/metrics")).status).toBe(200);
    }
    expect((await app.request("/v1/things/1")).status).toBe(200);
    expect(metrics.rateLimitRejectionsTotal.value).toBe(0);
  });

  test("runs before auth, so unauthenticated requests spend tokens and get 429 rather than 401", async () => {
    const { app } = harness({ rateLimitRps: 1, apiKey: "k" });
    expect((await app.request("/v1/things/1")).status).toBe(401);
    expect((await app.request("/v1/things/1")).status).toBe(401);
    expect((await app.request("/v1/things/1", { headers: { Authorization: "Bearer k" } })).status).toBe(429);
  });

  test("shares one bucket between /v1 requests and WebSocket upgrades", async () => {
    const { app } = harness({ rateLimitRps: 1 });
    await app.request("/v1/things/1");
    await app.request("/ws/CA1", { headers: { Upgrade: "websocket" } });
    expect((await app.request("/ws/CA1", { headers: { Upgrade: "websocket" } })).status).toBe(429);
  });

  test("does nothing when no rate is configured", async () => {
    const { app } = harness();
    for (let i = 0; i < 20; i++) expect((await app.request("/v1/things/1")).status).toBe(200);
  });
});

describe("TokenBucket", () => {
  test("starts full at 2 × rate and accepts fractional rates", () => {
    const b = new TokenBucket(0.5, 0);
    expect([b.take(0), b.take(0)]).toEqual([true, false]);
    expect(b.take(1999)).toBe(false);
    expect(b.take(2000)).toBe(true);
  });

  test("ignores time going backwards instead of draining tokens", () => {
    const b = new TokenBucket(1, 10_000);
    expect(b.take(5_000)).toBe(true);
    expect(b.take(5_000)).toBe(true);
    expect(b.take(5_000)).toBe(false);
  });

  test("refuses a rate that is not a positive finite number", () => {
    for (const r of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new TokenBucket(r, 0)).toThrow(RangeError);
  });
});
