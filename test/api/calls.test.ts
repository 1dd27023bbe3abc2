/**
 * The /v1/calls routes (spec/rest-api.md §1.4–§1.5, §2–§3) over app.request() with a fake
 * CallsPort: body validation (400), 201 with ws_url from the Host header, CallError → 404/422/503
 * error bodies, listing, lookup, DELETE 204/404.
 */
import { describe, expect, test } from "bun:test";
import { createApiApp } from "../../src/api/create-api-app.ts";
import { buildHealthReport } from "../../src/api/health.ts";
import { type CallsPort, callsRoutes } from "../../src/api/routes/calls.ts";
import {
  CallError,
  type CallErrorCode,
  type CallView,
  type OutboundCallRequest,
} from "../../src/call/index.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { err, ok } from "../../src/lib/result.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { jsonPost } from "./fixture.ts";

const ID = "CA0123456789abcdef0123456789abcdef";

const VIEW: CallView = {
  callId: ID,
  from: "+15559876543",
  to: "+15551234567",
  direction: "outbound",
  status: "dialing",
  peer: "office-pbx",
  stream: true,
  customParameters: {},
};

class FakeCalls implements CallsPort {
  created: OutboundCallRequest[] = [];
  hungUp: string[] = [];
  failWith: CallErrorCode | undefined;
  calls: CallView[] = [VIEW];

  async create(request: OutboundCallRequest) {
    this.created.push(request);
    return this.failWith === undefined
      ? ok(VIEW)
      : err(new CallError(this.failWith, `refused: ${this.failWith}`));
  }
  list() {
    return this.calls;
  }
  get(id: string) {
    return this.calls.find((c) => c.callId === id);
  }
  hangup(id: string) {
    this.hungUp.push(id);
    return this.get(id) === undefined
      ? err(new CallError("call_not_found", `call '${id}' does not exist`))
      : ok(undefined);
  }
}

function app(calls = new FakeCalls(), tls = false) {
  return createApiApp({
    clock: new ManualClock(),
    metrics: createMetrics(),
    logger: nullLogger,
    health: () => buildHealthReport({ trunks: [], sipServerListening: true, activeCalls: 0 }),
    routes: [callsRoutes(calls, { tls, listenHttp: "0.0.0.0:8080" })],
  });
}

const BODY = { to: "+15551234567", from: "+15559876543", peer: "office-pbx" };

describe("POST /v1/calls", () => {
  test("answers 201 with call_id, status and a ws_url built from the Host header", async () => {
    const calls = new FakeCalls();
    const res = await app(calls).request(
      "http://gw.example:8080/v1/calls",
      jsonPost(BODY, { Host: "gw.example:8080" }),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      call_id: ID,
      status: "dialing",
      ws_url: `ws://gw.example:8080/ws/${ID}`,
    });
  });

  test("uses wss:// when TLS is on", async () => {
    const res = await app(new FakeCalls(), true).request(
      "https://gw/v1/calls",
      jsonPost(BODY, { Host: "gw:8443" }),
    );
    expect(((await res.json()) as { ws_url: string }).ws_url).toBe(`wss://gw:8443/ws/${ID}`);
  });

  test("passes every field to the manager in domain terms", async () => {
    const calls = new FakeCalls();
    await app(calls).request(
      "http://gw/v1/calls",
      jsonPost({
        ...BODY,
        webhook_url: "https://app/ev",
        stream: false,
        custom_parameters: { a: "b" },
        timeout: 600,
      }),
    );
    expect(calls.created).toEqual([
      { ...BODY, webhookUrl: "https://app/ev", stream: false, customParameters: { a: "b" }, timeout: 600 },
    ]);
  });

  test.each([
    [{ from: "x", peer: "p" }, "field 'to' is required and must be a non-empty string"],
    [{ ...BODY, to: "a\r\nVia: x" }, "field 'to' must not contain CR, LF, NUL, '<' or '>'"],
    [{ ...BODY, timeout: 0 }, "field 'timeout' must be at least 1"],
    [{ ...BODY, timeout: 601 }, "field 'timeout' must be at most 600"],
    [{ ...BODY, timeout: 1.5 }, "field 'timeout' must be an integer"],
    [{ ...BODY, stream: "yes" }, "field 'stream' must be a boolean"],
    [{ ...BODY, webhook_url: "ftp://x" }, "field 'webhook_url' must be an http or https URL"],
    [{ ...BODY, custom_parameters: { a: 1 } }, "field 'custom_parameters.a' must be a string"],
    [{ ...BODY, trunk: "telnyx" }, "fields 'trunk' and 'peer' are mutually exclusive"],
  ])("answers 400 invalid_request to %j", async (body, message) => {
    const calls = new FakeCalls();
    const res = await app(calls).request("http://gw/v1/calls", jsonPost(body));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_request", message });
    expect(calls.created).toHaveLength(0);
  });

  test.each([
    ["peer_not_found", 404, "not_found"],
    ["trunk_not_found", 404, "not_found"],
    ["peer_without_host", 422, "unprocessable"],
    ["trunk_unavailable", 503, "unavailable"],
    ["no_rtp_port", 503, "unavailable"],
    ["not_listening", 503, "unavailable"],
    ["shutting_down", 503, "unavailable"],
  ] as const)("maps %s to %i %s", async (code, status, apiCode) => {
    const calls = new FakeCalls();
    calls.failWith = code;
    const res = await app(calls).request("http://gw/v1/calls", jsonPost(BODY));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: apiCode, message: `refused: ${code}` });
  });
});

describe("GET and DELETE /v1/calls", () => {
  test("lists calls as rest-api.md §2 call objects, omitting absent peer/trunk", async () => {
    const calls = new FakeCalls();
    const inbound: CallView = {
      callId: "CAb",
      from: "1001",
      to: "+15551234567",
      direction: "inbound",
      status: "ringing",
      stream: true,
      customParameters: {},
    };
    calls.calls = [VIEW, inbound];
    const res = await app(calls).request("http://gw/v1/calls");
    expect(await res.json()).toEqual({
      calls: [
        {
          call_id: ID,
          from: "+15559876543",
          to: "+15551234567",
          direction: "outbound",
          status: "dialing",
          peer: "office-pbx",
        },
        { call_id: "CAb", from: "1001", to: "+15551234567", direction: "inbound", status: "ringing" },
      ],
    });
  });

  test("lists an empty array when there are no calls", async () => {
    const calls = new FakeCalls();
    calls.calls = [];
    expect(await (await app(calls).request("http://gw/v1/calls")).json()).toEqual({ calls: [] });
  });

  test("returns one call, or 404 not_found for an unknown id", async () => {
    const a = app();
    expect((await a.request(`http://gw/v1/calls/${ID}`)).status).toBe(200);
    const missing = await a.request("http://gw/v1/calls/CAnope");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe("not_found");
  });

  test("hangs up with 204 and no body, 404 for an unknown call", async () => {
    const calls = new FakeCalls();
    const a = app(calls);
    const res = await a.request(`http://gw/v1/calls/${ID}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(calls.hungUp).toEqual([ID]);
    expect((await a.request("http://gw/v1/calls/CAnope", { method: "DELETE" })).status).toBe(404);
  });
});
