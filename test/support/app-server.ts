/**
 * A scriptable fake app for end-to-end tests (the HTTP side of spec/webhooks.md). Serves
 * `POST …/incoming` (§2, the synchronous decision) and every other `POST` as a lifecycle
 * event (§3), on 127.0.0.1 with a free port. Records both in arrival order and answers
 * `/incoming` as the test scripts it: accept (stream flag, custom parameters, webhook
 * override), reject (reason, sip_code), a delay, any HTTP status, a non-JSON body, or no
 * answer at all (held until the fake app stops). `startCallRig` runs the real gateway process
 * with a trunk-host block whose webhook points at such an app.
 */
import { type RunningGateway, startGatewayProcess } from "./gateway.ts";
import { freePorts } from "./peers.ts";

/** `/incoming` request body (webhooks.md §2). */
export interface IncomingRequest {
  readonly call_id: string;
  readonly from: string;
  readonly to: string;
  readonly direction: string;
  readonly peer?: string;
  readonly [key: string]: unknown;
}

/** A lifecycle event body (webhooks.md §3). */
export interface LifecycleEvent {
  readonly event: string;
  readonly call_id: string;
  readonly timestamp: string;
  readonly reason?: string;
  readonly duration?: number;
  readonly sip_code?: number;
  readonly digit?: string;
  readonly [key: string]: unknown;
}

export interface Recorded<T> {
  readonly body: T;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly at: number;
}

/** How the fake app answers one `/incoming`. `delayMs` waits before answering. */
export type Decision = (
  | { kind: "accept"; stream?: boolean; customParameters?: Record<string, string>; webhookUrl?: string }
  | { kind: "reject"; reason?: string; sipCode?: number }
  | { kind: "status"; status: number; body?: string }
  | { kind: "garbage" }
  | { kind: "never" }
) & { delayMs?: number };

export interface FakeAppOptions {
  /** Decision for each `/incoming`; default accept with stream. */
  decide?: (req: IncomingRequest) => Decision;
  /** HTTP status for lifecycle events (default 200). */
  eventStatus?: number;
}

export interface FakeApp {
  readonly port: number;
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What to put in `webhook.url`: `<url>/events` (so /incoming arrives at `/events/incoming`). */
  readonly webhookUrl: string;
  readonly incoming: Recorded<IncomingRequest>[];
  readonly events: Recorded<LifecycleEvent>[];
  /** Replace the decision function (per test). */
  decide: (req: IncomingRequest) => Decision;
  eventStatus: number;
  /** Events of one call, in arrival order. */
  eventsOf(callId: string): LifecycleEvent[];
  waitForIncoming(count: number, timeoutMs: number): Promise<Recorded<IncomingRequest>>;
  waitForEvent(
    match: (e: LifecycleEvent) => boolean,
    timeoutMs: number,
    what?: string,
  ): Promise<LifecycleEvent>;
  stop(): Promise<void>;
}

function decisionResponse(d: Decision): Response {
  switch (d.kind) {
    case "accept": {
      const body: Record<string, unknown> = { action: "accept" };
      if (d.stream !== undefined) body.stream = d.stream;
      if (d.customParameters !== undefined) body.custom_parameters = d.customParameters;
      if (d.webhookUrl !== undefined) body.webhook_url = d.webhookUrl;
      return Response.json(body);
    }
    case "reject": {
      const body: Record<string, unknown> = { action: "reject" };
      if (d.reason !== undefined) body.reason = d.reason;
      if (d.sipCode !== undefined) body.sip_code = d.sipCode;
      return Response.json(body);
    }
    case "status":
      return new Response(d.body ?? "", { status: d.status });
    case "garbage":
      return new Response("<html>not json", { headers: { "content-type": "application/json" } });
    case "never":
      throw new Error("unreachable: 'never' is answered by holding the request");
  }
}

export function startFakeApp(options: FakeAppOptions = {}): FakeApp {
  const incoming: Recorded<IncomingRequest>[] = [];
  const events: Recorded<LifecycleEvent>[] = [];
  const waiters = new Set<() => void>();
  const held = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };

  async function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = find();
    if (now !== undefined) return now;
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = find();
        if (v === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const seen = events.map((e) => `${e.body.event}(${e.body.reason ?? ""})`).join(",");
        reject(new Error(`fake app: timed out after ${timeoutMs} ms waiting for ${what}; events: ${seen}`));
      }, timeoutMs);
      waiters.add(check);
    });
  }

  const app: FakeApp = {
    port: 0,
    url: "",
    webhookUrl: "",
    incoming,
    events,
    decide: options.decide ?? (() => ({ kind: "accept" })),
    eventStatus: options.eventStatus ?? 200,
    eventsOf: (callId) => events.filter((e) => e.body.call_id === callId).map((e) => e.body),
    waitForIncoming: (count, timeoutMs) => until(() => incoming[count - 1], timeoutMs, `/incoming #${count}`),
    waitForEvent: (match, timeoutMs, what = "event") =>
      until(() => events.find((e) => match(e.body))?.body, timeoutMs, what),
    stop: async () => {
      for (const release of held) release();
      await server.stop(true);
    },
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    // The "never" decision holds a request open for as long as the test wants.
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (req.method !== "POST") return new Response("not found", { status: 404 });
      const headers = Object.fromEntries(req.headers.entries());
      let body: unknown;
      try {
        body = await req.json();
      } catch {
        body = null;
      }
      const at = performance.now();
      if (path.endsWith("/incoming")) {
        const request = body as IncomingRequest;
        incoming.push({ body: request, path, headers, at });
        wake();
        const decision = app.decide(request);
        if (decision.delayMs !== undefined) await Bun.sleep(decision.delayMs);
        if (decision.kind === "never") {
          // Held until stop(): the gateway's own timeout or the caller's CANCEL must act first.
          await new Promise<void>((resolve) => held.add(resolve));
          return new Response("", { status: 500 });
        }
        return decisionResponse(decision);
      }
      events.push({ body: body as LifecycleEvent, path, headers, at });
      wake();
      return new Response("", { status: app.eventStatus });
    },
  });
  const port = server.port ?? 0;
  return Object.assign(app, {
    port,
    url: `http://127.0.0.1:${port}`,
    webhookUrl: `http://127.0.0.1:${port}/events`,
  });
}

// ---------------------------------------------------------------------------------------------
// The call rig: the real gateway process with a trunk-host `[server]` block (config.md §2) whose
// webhook points at a fresh fake app. Peers come from the test.

export interface RigPeer {
  name: string;
  host?: string;
  hosts?: string[];
  /** SIP port used when dialling this peer (config `port`). */
  port?: number;
  codecs?: string[];
  auth?: { username: string; password: string };
}

export interface CallRigOptions {
  /** Default: one peer "local" allowing 127.0.0.1. */
  peers?: RigPeer[];
  /** `webhook.url` override (e.g. a dead port for "app down"); default the fake app's. */
  webhookUrl?: string;
  encoding?: "audio/x-mulaw" | "audio/x-l16";
  retry?: number;
  /** `webhook.timeout`, default "3s". */
  timeout?: string;
  decide?: (req: IncomingRequest) => Decision;
}

export interface CallRig {
  readonly app: FakeApp;
  readonly gw: RunningGateway;
  readonly sipPort: number;
  readonly httpUrl: string;
  readonly apiKey: string;
  /** fetch against the REST API with the bearer key. */
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

const q = (s: string) => JSON.stringify(s);

function peerToml(p: RigPeer): string {
  const lines = ["[[server.peers]]", `name = ${q(p.name)}`];
  if (p.host !== undefined) lines.push(`host = ${q(p.host)}`);
  if (p.hosts !== undefined) lines.push(`hosts = [${p.hosts.map(q).join(", ")}]`);
  if (p.port !== undefined) lines.push(`port = ${p.port}`);
  if (p.codecs !== undefined) lines.push(`codecs = [${p.codecs.map(q).join(", ")}]`);
  if (p.auth !== undefined)
    lines.push("[server.peers.auth]", `username = ${q(p.auth.username)}`, `password = ${q(p.auth.password)}`);
  return lines.join("\n");
}

/** Starts a fake app and the gateway (trunk host on a free UDP port) pointed at it. */
export async function startCallRig(o: CallRigOptions = {}): Promise<CallRig> {
  const app = startFakeApp(o.decide === undefined ? {} : { decide: o.decide });
  const [httpPort, sipPort] = await freePorts(2);
  const apiKey = "e2e-key";
  const peers = o.peers ?? [{ name: "local", host: "127.0.0.1" }];
  const toml = [
    "[listen]",
    `http = "127.0.0.1:${httpPort}"`,
    "[server]",
    `listen = "127.0.0.1:${sipPort}"`,
    ...peers.map(peerToml),
    "[webhook]",
    `url = ${q(o.webhookUrl ?? app.webhookUrl)}`,
    `timeout = ${q(o.timeout ?? "3s")}`,
    `retry = ${o.retry ?? 0}`,
    "[stream]",
    `encoding = ${q(o.encoding ?? "audio/x-mulaw")}`,
    "[auth]",
    `api_key = ${q(apiKey)}`,
    "",
  ].join("\n");
  let gw: RunningGateway;
  try {
    gw = await startGatewayProcess({ toml, httpPort: httpPort! });
  } catch (e) {
    await app.stop();
    throw e;
  }
  const httpUrl = gw.httpUrl;
  return {
    app,
    gw,
    sipPort: sipPort!,
    httpUrl,
    apiKey,
    api: (path, init = {}) =>
      fetch(`${httpUrl}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${apiKey}`, ...(init.headers ?? {}) },
      }),
    stop: async () => {
      await gw.proc.stop();
      await app.stop();
    },
  };
}
