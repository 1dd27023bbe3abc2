/**
 * Hostile REST requests against the real gateway process (spec/rest-api.md §1.4 error body,
 * §1.5 validation, "bodies larger than 10 MiB → 413"): 300 seeded malformed requests to
 * `POST /v1/calls` and `/v1/calls/{id}/…` — invalid JSON, arrays, nulls, wrong types, huge
 * strings, CR/LF/NUL/`<>` in SIP-bound fields, wrong Content-Type — plus bodies over 10 MiB
 * (announced and chunked). Every answer must be a 4xx with the JSON `{error, message}` body,
 * never a 5xx and never a dropped connection; afterwards the process runs, `/health` and an
 * OPTIONS answer 200, and a live outbound call made before the barrage is still there.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import { type FakeApp, startFakeApp } from "../support/app-server.ts";
import { type RunningGateway, startGatewayProcess } from "../support/gateway.ts";
import { expectAlive } from "../support/liveness.ts";
import { freePorts } from "../support/peers.ts";
import { seededRandom } from "../support/seeded-random.ts";

const API_KEY = "hostile-key";
const AUTH = { Authorization: `Bearer ${API_KEY}` };

type Rng = ReturnType<typeof seededRandom>;

interface Rig {
  gw: RunningGateway;
  app: FakeApp;
  sipPort: number;
  /** Stands in for the peer we dial: receives the INVITE and never answers (call stays `dialing`). */
  callee: udp.Socket<"uint8array">;
  calleeSeen: string[];
}

async function startRig(extraToml: string[] = []): Promise<Rig> {
  const app = startFakeApp();
  const calleeSeen: string[] = [];
  const callee = await Bun.udpSocket({
    hostname: "127.0.0.1",
    port: 0,
    binaryType: "uint8array",
    socket: {
      data(_s, d) {
        calleeSeen.push(new TextDecoder().decode(d));
      },
    },
  });
  const [httpPort, sipPort] = await freePorts(2);
  const toml = [
    "[listen]",
    `http = "127.0.0.1:${httpPort}"`,
    "[server]",
    `listen = "127.0.0.1:${sipPort}"`,
    "[[server.peers]]",
    'name = "local"',
    'host = "127.0.0.1"',
    `port = ${callee.port}`,
    "[webhook]",
    `url = "${app.webhookUrl}"`,
    'timeout = "3s"',
    "retry = 0",
    "[auth]",
    `api_key = "${API_KEY}"`,
    ...extraToml,
    "",
  ].join("\n");
  try {
    const gw = await startGatewayProcess({ toml, httpPort: httpPort!, readyTimeoutMs: 10_000 });
    return { gw, app, sipPort: sipPort!, callee, calleeSeen };
  } catch (e) {
    callee.close();
    await app.stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// The seeded request generator. Each case is invalid by construction (one field broken, or
// the body/framing broken), so no answer may be a 2xx.

/** Values that are wrong for a SIP-bound string field (`to`, `from`, `target`). */
const BAD_SIP_STRINGS: readonly unknown[] = [
  null,
  42,
  true,
  [],
  {},
  ["100"],
  "",
  "   ",
  "\t\r\n",
  "100\r\nVia: SIP/2.0/UDP evil",
  "100\nX: y",
  "100\r",
  "a\u0000b",
  "<sip:100@127.0.0.1>",
  "100>",
  "x".repeat(257),
  "x".repeat(100_000),
];

const BAD_BY_FIELD: Record<string, readonly unknown[]> = {
  peer: [5, null, false, [], {}, "", " "],
  trunk: [5, null, [], {}],
  webhook_url: [5, "", "not a url", "ftp://127.0.0.1/x", "javascript:alert(1)", {}, []],
  stream: ["yes", "true", 1, 0, null, []],
  custom_parameters: ["x", 5, [], ["a"], { a: 1 }, { a: null }, { a: { b: "c" } }],
  timeout: [0, -1, 601, 1.5, "30", null, [], 1e308],
};

function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[r.int(xs.length)]!;
}

interface HostileRequest {
  readonly label: string;
  readonly path: string;
  readonly method: string;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
}

const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/xml",
  "multipart/form-data; boundary=x",
  "json",
  "",
];

/** Broken framing or syntax that applies to any body-taking endpoint. */
function brokenBody(r: Rng): { label: string; body: string | Uint8Array; contentType?: string } {
  switch (r.int(9)) {
    case 0:
      return { label: "truncated JSON", body: '{"to": "100", "from": "al' };
    case 1:
      return { label: "JSON array", body: JSON.stringify([{ to: "100", from: "alice" }]) };
    case 2:
      return { label: "JSON null", body: "null" };
    case 3:
      return { label: "JSON scalar", body: pick(r, ['"100"', "42", "true", "1e999"]) };
    case 4:
      return { label: "empty body", body: "" };
    case 5:
      return { label: "binary body", body: r.bytes(1 + r.int(512)) };
    case 6:
      return { label: "nested 10k deep", body: `${"[".repeat(10_000)}${"]".repeat(10_000)}` };
    case 7: {
      const contentType = pick(r, CONTENT_TYPES);
      return {
        label: `Content-Type '${contentType}'`,
        body: '{"to":"100","from":"alice","peer":"local"}',
        contentType,
      };
    }
    default:
      return {
        label: "invalid UTF-8",
        body: new Uint8Array([0x7b, 0x22, 0x74, 0x6f, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      };
  }
}

/** A `POST /v1/calls` body with exactly one field made wrong. */
function badCreate(r: Rng): { label: string; body: string } {
  const base: Record<string, unknown> = { to: "100", from: "alice", peer: "local" };
  const field = pick(r, [
    "to",
    "from",
    "to",
    "from",
    "peer",
    "trunk+peer",
    "webhook_url",
    "stream",
    "custom_parameters",
    "timeout",
    "missing",
  ]);
  if (field === "trunk+peer") base.trunk = "default";
  else if (field === "missing") delete base[pick(r, ["to", "from"])];
  else if (field === "to" || field === "from") base[field] = pick(r, BAD_SIP_STRINGS);
  else if (field === "trunk") base.trunk = pick(r, BAD_BY_FIELD.trunk!);
  else base[field] = pick(r, BAD_BY_FIELD[field]!);
  const body = JSON.stringify(base);
  return { label: `create with bad ${field}: ${body.slice(0, 60)}`, body };
}

/** Bodies for the call-control endpoints that take one (`transfer`, `dtmf`, `play`). */
function badControl(r: Rng, action: string): string {
  if (action === "transfer") return JSON.stringify({ target: pick(r, BAD_SIP_STRINGS) });
  if (action === "dtmf")
    return JSON.stringify({
      digits: pick(r, ["", "12X", "1".repeat(33), 5, null, ["1"], "1\r\n2", "\u0661", "e", "1 2"]),
    });
  const play: readonly unknown[] = [
    {},
    { url: "http://127.0.0.1:1/a.wav", audio: "AAAA" },
    { audio: "!!!not base64!!!" },
    { audio: "AA==" },
    { audio: "" },
    { audio: 5 },
    { url: "ftp://127.0.0.1/a.wav" },
    { url: "" },
    { audio: "AAAA", loop_count: -1 },
    { audio: "AAAA", loop_count: 1.5 },
    { audio: "AAAA", loop_count: "2" },
  ];
  return JSON.stringify(pick(r, play));
}

const CONTROL = ["hold", "resume", "transfer", "dtmf", "mute", "unmute", "play", "play/stop"];

function generate(r: Rng, liveCallId: string): HostileRequest {
  const callId = pick(r, [
    liveCallId,
    liveCallId,
    "CA00000000000000000000000000000000",
    "%00%0d%0a",
    "x".repeat(2000),
    "..%2F..%2Fetc",
  ]);
  const kind = r.int(10);
  if (kind < 4) {
    const b = kind < 2 ? badCreate(r) : brokenBody(r);
    return { path: "/v1/calls", method: "POST", ...b };
  }
  const action = pick(r, CONTROL);
  const path = `/v1/calls/${callId}/${action}`;
  if (kind < 6) {
    const b = brokenBody(r);
    return { path, method: "POST", ...b, label: `${action}: ${b.label}` };
  }
  if (kind < 9) return { path, method: "POST", body: badControl(r, action), label: `${action}: bad field` };
  // Wrong method on a known path.
  return { path, method: pick(r, ["PUT", "PATCH", "GET"]), body: "{}", label: `${action}: wrong method` };
}

/** Sends one request; the JSON error body and status, or a description of what went wrong. */
async function send(
  rig: Rig,
  req: HostileRequest,
): Promise<{ status: number; body: unknown; contentType: string }> {
  const headers: Record<string, string> = { ...AUTH };
  const contentType = req.contentType ?? "application/json";
  if (contentType !== "") headers["Content-Type"] = contentType;
  const init: RequestInit = { method: req.method, headers };
  if (req.body !== undefined && req.method !== "GET") init.body = req.body;
  const res = await fetch(`${rig.gw.httpUrl}${req.path}`, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, contentType: res.headers.get("content-type") ?? "" };
}

function isErrorBody(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.error === "string" && typeof b.message === "string" && b.message.length > 0;
}

describe("hostile HTTP requests against the running gateway", () => {
  let rig: Rig;
  let liveCallId = "";
  beforeAll(async () => {
    rig = await startRig();
    // A real outbound call (dialing: the callee never answers) that the barrage must not lose.
    const res = await fetch(`${rig.gw.httpUrl}/v1/calls`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify({ to: "100", from: "alice", peer: "local", timeout: 60 }),
    });
    expect(res.status).toBe(201);
    liveCallId = ((await res.json()) as { call_id: string }).call_id;
  }, 15_000);
  afterAll(async () => {
    await rig?.gw.proc.stop();
    rig?.callee.close();
    await rig?.app.stop();
  });

  test("answers 300 seeded malformed requests with a 4xx and a JSON {error, message} body, never 5xx or a dropped connection", async () => {
    const r = seededRandom(0x477b0d1e);
    const wrong: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const req = generate(r, liveCallId);
      let out: Awaited<ReturnType<typeof send>>;
      try {
        out = await send(rig, req);
      } catch (e) {
        wrong.push(
          `#${i} ${req.method} ${req.path.slice(0, 60)} (${req.label}): connection failed: ${String(e)}`,
        );
        continue;
      }
      statuses.set(out.status, (statuses.get(out.status) ?? 0) + 1);
      const ok =
        out.status >= 400 &&
        out.status < 500 &&
        out.contentType.startsWith("application/json") &&
        isErrorBody(out.body);
      if (!ok)
        wrong.push(
          `#${i} ${req.method} ${req.path.slice(0, 60)} (${req.label}) → ${out.status} ${JSON.stringify(out.body).slice(0, 160)}`,
        );
    }
    expect(wrong).toEqual([]);
    // The corpus must reach validation (400) and the content-type check (415), not only 404s.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(50);
    expect(statuses.get(415) ?? 0).toBeGreaterThan(0);
    await expectAlive(rig);
  }, 30_000);

  test("names the offending field in the 400 message for wrong types and header-injection characters", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ to: 1, from: "alice", peer: "local" }, "to"],
      [{ to: "100", from: ["alice"], peer: "local" }, "from"],
      [{ to: "100\r\nX-Evil: 1", from: "alice", peer: "local" }, "to"],
      [{ to: "100", from: "<sip:evil>", peer: "local" }, "from"],
      [{ to: "100", from: "alice", peer: "local", timeout: "30" }, "timeout"],
      [{ to: "100", from: "alice", peer: "local", stream: "no" }, "stream"],
    ];
    for (const [body, field] of cases) {
      const out = await send(rig, {
        label: field,
        path: "/v1/calls",
        method: "POST",
        body: JSON.stringify(body),
      });
      expect(out.status).toBe(400);
      expect(out.body).toMatchObject({ error: "invalid_request" });
      expect((out.body as { message: string }).message).toContain(`'${field}'`);
    }
  });

  test("answers 413 payload_too_large to an 11 MiB body announced by Content-Length", async () => {
    const out = await send(rig, {
      label: "11 MiB",
      path: "/v1/calls",
      method: "POST",
      body: `{"to":"${"a".repeat(11 * 1024 * 1024)}"}`,
    });
    expect(out.status).toBe(413);
    expect(out.body).toMatchObject({ error: "payload_too_large" });
    await expectAlive(rig);
  }, 15_000);

  test("answers 413 payload_too_large to an 11 MiB chunked body with no Content-Length", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 11) return c.close();
        sent += 1;
        c.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
      },
    });
    const res = await fetch(`${rig.gw.httpUrl}/v1/calls`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "payload_too_large" });
    await expectAlive(rig);
  }, 15_000);

  test("keeps the live call through the barrage: GET still shows it dialing and DELETE still ends it with 204", async () => {
    const got = await fetch(`${rig.gw.httpUrl}/v1/calls/${liveCallId}`, { headers: AUTH });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ call_id: liveCallId, direction: "outbound", peer: "local" });
    expect(rig.calleeSeen.some((m) => m.startsWith("INVITE "))).toBe(true);
    const del = await fetch(`${rig.gw.httpUrl}/v1/calls/${liveCallId}`, { method: "DELETE", headers: AUTH });
    expect(del.status).toBe(204);
    const ended = await rig.app.waitForEvent(
      (e) => e.call_id === liveCallId && e.event === "call.ended",
      5000,
    );
    expect(ended.reason).toBeDefined();
    await expectAlive(rig);
  });
});

describe("a request flood against a rate-limited gateway", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig(["[rate_limit]", "requests_per_second = 5"]);
  }, 15_000);
  afterAll(async () => {
    await rig?.gw.proc.stop();
    rig?.callee.close();
    await rig?.app.stop();
  });

  test("answers 60 concurrent unauthenticated requests with at most 10 × 401 and the rest 429 + Retry-After: 1 + JSON, keeps /health public, and lets a request through once tokens refill", async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${rig.gw.httpUrl}/v1/calls`, { method: "POST", body: "{" }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get("retry-after"),
          body: (await r.json()) as unknown,
        })),
      ),
    );
    const byStatus = (s: number) => results.filter((r) => r.status === s);
    // rest-api.md §1.3: capacity 2 × rps, checked before auth, so unauthenticated traffic spends tokens.
    expect(byStatus(401).length).toBeLessThanOrEqual(10);
    expect(byStatus(401).length + byStatus(429).length).toBe(60);
    for (const r of byStatus(429)) {
      expect(r.retryAfter).toBe("1");
      expect(r.body).toMatchObject({ error: "rate_limited", message: expect.any(String) });
    }
    expect((await fetch(`${rig.gw.httpUrl}/health`)).status).toBe(200);
    await Bun.sleep(1100);
    const later = await fetch(`${rig.gw.httpUrl}/v1/calls`, { headers: AUTH });
    expect(later.status).toBe(200);
    await expectAlive(rig);
  }, 15_000);
});
