/**
 * The composition root (DESIGN.md rule 4): maps the validated config onto each module's small
 * options type, wires the IO adapters to the cores, binds the listeners, and registers every
 * subsystem's step in the shutdown sequence (spec/README.md "Process lifecycle").
 */
import type { Server } from "bun";
import pkg from "../package.json" with { type: "json" };
import { createApiApp } from "./api/create-api-app.ts";
import { buildHealthReport, type TrunkHealth } from "./api/health.ts";
import { openApiRoutes } from "./api/openapi/route.ts";
import { callControlRoutes } from "./api/routes/call-control.ts";
import { callsRoutes } from "./api/routes/calls.ts";
import { webhookFailuresRoutes } from "./api/routes/webhook-failures.ts";
import { createWsHandler, type WsData, wsRoutes } from "./api/routes/ws.ts";
import type { Config } from "./config/index.ts";
import { createCallSystem } from "./gateway/call-system.ts";
import { countingCalls } from "./gateway/event-fanout.ts";
import { createPlayAudioLoader } from "./gateway/media-bridge.ts";
import type { Clock, Timers } from "./lib/clock.ts";
import { uriHost } from "./lib/ip.ts";
import type { Logger } from "./lib/logger.ts";
import type { Random } from "./lib/random.ts";
import { err, ok, type Result } from "./lib/result.ts";
import { createMetrics, type Metrics } from "./metrics/metrics.ts";
import { type ShutdownReport, ShutdownSequence } from "./shutdown.ts";
import { DeadLetterQueue } from "./webhook/dead-letter-queue.ts";
import { WebhookDispatcher } from "./webhook/dispatcher.ts";
import { createFetchHttpPost } from "./webhook/fetch-http.ts";
import { IncomingClient } from "./webhook/incoming-client.ts";

export interface Runtime {
  clock: Clock;
  timers: Timers;
  random: Random;
  logger: Logger;
}

/** Webhook delivery (spec/webhooks.md): lifecycle dispatcher, DLQ and the /incoming client. */
function createWebhooks(config: Config, rt: Runtime, metrics: Metrics) {
  const http = createFetchHttpPost({ userAgent: `xbridge/${pkg.version}` });
  const dlq = new DeadLetterQueue({ onLength: (n) => metrics.webhookDlqEntries.set(n) });
  const logger = rt.logger.child({ component: "webhook" });
  const dispatcher = new WebhookDispatcher({
    url: config.webhook.url,
    timeoutMs: config.webhook.timeoutMs,
    retry: config.webhook.retry,
    http,
    clock: rt.clock,
    timers: rt.timers,
    random: rt.random,
    dlq,
    metrics,
    logger,
  });
  const incoming = new IncomingClient({
    url: config.webhook.url,
    timeoutMs: config.webhook.timeoutMs,
    http,
    clock: rt.clock,
    timers: rt.timers,
    metrics,
    logger,
  });
  return { dlq, dispatcher, incoming };
}

export interface Gateway {
  /** Base URL of the HTTP(S) listener, with the port actually bound. */
  readonly httpUrl: string;
  readonly metrics: Metrics;
  /** Runs the graceful shutdown sequence once (later calls return the same promise). */
  shutdown(): Promise<ShutdownReport>;
}

/** Longer than the 32 s a mid-call request may wait for the remote side (RFC 3261 64·T1). */
const HTTP_IDLE_TIMEOUT_S = 60;

function bindHttp(
  config: Config,
  fetch: (req: Request, server: Server<WsData>) => Response | Promise<Response>,
  websocket: ReturnType<typeof createWsHandler>,
) {
  const { host, port } = config.listen.http;
  try {
    return ok(
      Bun.serve<WsData>({
        hostname: host,
        port,
        fetch,
        websocket,
        // Bodies over 10 MiB get the API's JSON 413; Bun's own cap sits above that.
        maxRequestBodySize: 16 * 1024 * 1024,
        // Bun closes a request idle for 10 s by default, but mid-call commands may wait 32 s for
        // the remote before answering 504 (spec/rest-api.md §1.4 gateway_timeout).
        idleTimeout: HTTP_IDLE_TIMEOUT_S,
        ...(config.tls ? { tls: { cert: config.tls.cert, key: config.tls.key } } : {}),
      }),
    );
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return err(`cannot listen on ${uriHost(host)}:${port} for HTTP: ${reason}`);
  }
}

export async function startGateway(config: Config, rt: Runtime): Promise<Result<Gateway, string>> {
  const { logger } = rt;
  const metrics = createMetrics();
  const trunkStates: TrunkHealth[] = config.trunks.map((t) => ({ name: t.name, registered: false }));
  for (const t of config.trunks) metrics.trunkRegistered.set(t.name, 0);

  const webhooks = createWebhooks(config, rt, metrics);
  const built = await createCallSystem(config, {
    ...rt,
    metrics,
    ...webhooks,
    onTrunkState: (s) => metrics.trunkRegistered.set(s.name, s.registered ? 1 : 0),
  });
  if (!built.ok) return built;
  const calls = built.value;
  metrics.activeCalls.collect(() => calls.manager.size);

  const api = createApiApp({
    apiKey: config.auth.apiKey,
    rateLimitRps: config.rateLimit.requestsPerSecond,
    clock: rt.clock,
    metrics,
    logger: logger.child({ component: "api" }),
    health: () =>
      buildHealthReport({
        trunks:
          calls.trunks?.registrations.states().map((s) => ({ name: s.name, registered: s.registered })) ??
          trunkStates,
        sipServerListening: calls.stack !== undefined,
        activeCalls: calls.manager.size,
      }),
    routes: [
      callsRoutes(countingCalls(calls.manager, metrics), {
        tls: config.tls !== undefined,
        listenHttp: `${uriHost(config.listen.http.host)}:${config.listen.http.port}`,
      }),
      callControlRoutes(calls.manager, { audio: createPlayAudioLoader() }),
      wsRoutes(calls.hub),
      webhookFailuresRoutes(webhooks.dlq),
      openApiRoutes({ version: pkg.version }),
    ],
  });

  const http = bindHttp(config, (req, server) => api.fetch(req, { server }), createWsHandler(calls.hub));
  if (!http.ok) return http;
  const server = http.value;
  const scheme = config.tls ? "https" : "http";
  const httpUrl = `${scheme}://${uriHost(config.listen.http.host)}:${server.port}`;
  logger.info("http listening", { url: httpUrl });

  const shutdown = new ShutdownSequence(rt.clock, rt.timers, logger.child({ component: "shutdown" }));
  shutdown.register({
    name: "http",
    phase: "stop-accepting",
    // Stop listening now. Bun's stop(false) resolves only once every open connection has closed,
    // and call WebSockets close in a later phase, so waiting here would stall until the cap.
    run: () => {
      void server.stop(false);
    },
  });
  const stack = calls.stack;
  if (stack !== undefined) {
    // New INVITEs/OPTIONS get 503 from here on (spec/README.md step 4).
    shutdown.register({ name: "sip-503", phase: "stop-accepting", run: () => stack.beginShutdown() });
  }
  const trunkClient = calls.trunks;
  if (trunkClient !== undefined) {
    shutdown.register({
      name: "sip-trunk-503",
      phase: "stop-accepting",
      run: () => trunkClient.stack.beginShutdown(),
    });
    // REGISTER Expires: 0 for every trunk (spec/README.md step 4).
    shutdown.register({ name: "trunks", phase: "unregister-trunks", run: () => trunkClient.unregister() });
    shutdown.register({ name: "sip-trunk-close", phase: "close-listeners", run: () => trunkClient.close() });
  }
  shutdown.register({ name: "calls", phase: "end-calls", run: () => calls.manager.shutdown() });
  shutdown.register({ name: "streams", phase: "close-streams", run: () => calls.hub.closeAll() });
  shutdown.register({
    name: "webhooks",
    phase: "flush-webhooks",
    // spec/README.md: queued webhooks get up to 5 s.
    run: async () => {
      const undelivered = await webhooks.dispatcher.flush(5000);
      if (undelivered > 0) logger.warn("webhooks undelivered at shutdown", { count: undelivered });
    },
  });
  shutdown.register({ name: "http-close", phase: "close-listeners", run: () => server.stop(true) });
  shutdown.register({
    name: "sip-media-close",
    phase: "close-listeners",
    run: async () => {
      await calls.stack?.stop();
      calls.media?.close();
    },
  });

  // Registrations start once every listener is bound (spec/README.md step 3).
  calls.trunks?.start();
  return ok({ httpUrl, metrics, shutdown: () => shutdown.run() });
}
