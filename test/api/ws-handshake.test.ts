/**
 * `GET /ws/{call_id}` pre-upgrade checks (spec/websocket.md §1) through `app.request()`: the
 * order 429 → 401 → 400 (mode) → 404 → 403 `stream_disabled` → 409 `conflict`, each a plain
 * JSON error response, and the upgrade handed to the Bun server found in the fetch env.
 */
import { describe, expect, test } from "bun:test";
import { createApiApp } from "../../src/api/create-api-app.ts";
import { buildHealthReport } from "../../src/api/health.ts";
import { streamMetricsOf, type WsData, wsRoutes } from "../../src/api/routes/ws.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { StreamHub } from "../../src/stream/stream-hub.ts";
import { FakeCall } from "../stream/fakes.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { seededRandom } from "../support/seeded-random.ts";

function setup(opts: { apiKey?: string; rateLimitRps?: number } = {}) {
  const clock = new ManualClock(1000);
  const metrics = createMetrics();
  const calls = new Map<string, FakeCall>();
  const hub = new StreamHub({
    clock,
    timers: clock,
    random: seededRandom(1),
    logger: nullLogger,
    metrics: streamMetricsOf(metrics),
    encoding: "audio/x-mulaw",
    findCall: (id) => calls.get(id),
  });
  const app = createApiApp({
    clock,
    metrics,
    logger: nullLogger,
    health: () => buildHealthReport({ trunks: [], sipServerListening: false, activeCalls: 0 }),
    routes: [wsRoutes(hub)],
    ...opts,
  });
  const upgrades: WsData[] = [];
  const server = {
    upgrade(_req: Request, o: { data: WsData }) {
      upgrades.push(o.data);
      return true;
    },
  };
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { Upgrade: "websocket", ...headers } }, { server });
  return { app, hub, calls, upgrades, get, metrics };
}

async function errorOf(res: Response): Promise<{ status: number; error: string; type: string | null }> {
  const body = (await res.json()) as { error: string };
  return { status: res.status, error: body.error, type: res.headers.get("Content-Type") };
}

describe("/ws/{call_id} handshake checks (§1)", () => {
  test("upgrades a known call with stream enabled and passes call id and mode to the socket", async () => {
    const s = setup();
    s.calls.set("CA1", new FakeCall("CA1"));
    const res = await s.get("/ws/CA1?mode=native");
    expect(res.status).toBe(200);
    expect(s.upgrades).toEqual([{ callId: "CA1", mode: "native", session: undefined }]);
  });

  test("defaults to Twilio mode when mode is absent", async () => {
    const s = setup();
    s.calls.set("CA1", new FakeCall("CA1"));
    await s.get("/ws/CA1");
    expect(s.upgrades[0]!.mode).toBe("twilio");
  });

  test("answers 400 invalid_request to a mode other than twilio or native (exact, lowercase)", async () => {
    const s = setup();
    s.calls.set("CA1", new FakeCall("CA1"));
    for (const mode of ["Twilio", "NATIVE", "raw", ""]) {
      expect(await errorOf(await s.get(`/ws/CA1?mode=${mode}`))).toEqual({
        status: 400,
        error: "invalid_request",
        type: "application/json",
      });
    }
    expect(s.upgrades).toEqual([]);
  });

  test("answers 404 not_found to an unknown or ended call", async () => {
    const s = setup();
    const ended = new FakeCall("CA2");
    ended.state = "ended";
    s.calls.set("CA2", ended);
    expect((await errorOf(await s.get("/ws/CA404"))).error).toBe("not_found");
    expect((await errorOf(await s.get("/ws/CA2"))).status).toBe(404);
  });

  test("answers 403 stream_disabled to a call created or accepted with stream: false", async () => {
    const s = setup();
    const call = new FakeCall("CA1");
    call.streamAllowed = false;
    s.calls.set("CA1", call);
    expect(await errorOf(await s.get("/ws/CA1"))).toEqual({
      status: 403,
      error: "stream_disabled",
      type: "application/json",
    });
  });

  test("answers 409 conflict to a second socket on the same call", async () => {
    const s = setup();
    s.calls.set("CA1", new FakeCall("CA1"));
    expect((await s.get("/ws/CA1")).status).toBe(200);
    expect(await errorOf(await s.get("/ws/CA1"))).toEqual({
      status: 409,
      error: "conflict",
      type: "application/json",
    });
  });

  test("checks mode before the call: a bad mode on an unknown call is 400", async () => {
    const s = setup();
    expect((await s.get("/ws/CA404?mode=x")).status).toBe(400);
  });

  test("checks auth before mode, accepting the token query parameter", async () => {
    const s = setup({ apiKey: "secret" });
    s.calls.set("CA1", new FakeCall("CA1"));
    const noAuth = await s.get("/ws/CA1?mode=x");
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect((await s.get("/ws/CA1?token=wrong")).status).toBe(401);
    expect((await s.get("/ws/CA1?mode=x&token=secret")).status).toBe(400);
    expect((await s.get("/ws/CA1?token=secret")).status).toBe(200);
    s.hub.release("CA1");
    expect((await s.get("/ws/CA1", { Authorization: "Bearer secret" })).status).toBe(200);
  });

  test("checks the rate limit first: 429 even without credentials", async () => {
    const s = setup({ apiKey: "secret", rateLimitRps: 1 });
    await s.get("/ws/CA1");
    await s.get("/ws/CA1");
    const res = await s.get("/ws/CA1");
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("1");
  });

  test("answers 400 and frees the call when the request is not a WebSocket upgrade", async () => {
    const s = setup();
    s.calls.set("CA1", new FakeCall("CA1"));
    const plain = await s.app.request("/ws/CA1", {}, { server: { upgrade: () => false } });
    expect((await errorOf(plain)).error).toBe("invalid_request");
    expect(s.hub.reserve("CA1").ok).toBe(true);
  });
});
