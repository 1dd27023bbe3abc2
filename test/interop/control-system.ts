/**
 * The trunk-host call path of the composition root, in this process, for the mid-call control
 * interop tests (issue #7): config → createCallSystem with real webhook clients pointed at a
 * fake app, so a test can drive the CallManager commands the REST routes call while real SIP
 * peers exercise the root's adapters (sip-bridge, media-bridge).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { type CallSystem, createCallSystem } from "../../src/gateway/call-system.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../src/runtime/system-clock.ts";
import { DeadLetterQueue } from "../../src/webhook/dead-letter-queue.ts";
import { WebhookDispatcher } from "../../src/webhook/dispatcher.ts";
import { createFetchHttpPost } from "../../src/webhook/fetch-http.ts";
import { IncomingClient } from "../../src/webhook/incoming-client.ts";
import type { FakeApp } from "../support/app-server.ts";
import { makeTempDir } from "../support/peers.ts";

/** The trunk-host call path of the composition root, in this process (src/app.ts createWebhooks + createCallSystem). */
export async function startCallSystem(app: FakeApp, sipPort: number): Promise<CallSystem> {
  const dir = makeTempDir("control-baresip-gw");
  const path = join(dir, "xbridge.toml");
  writeFileSync(
    path,
    [
      "[listen]",
      'http = "127.0.0.1:0"',
      "[server]",
      `listen = "127.0.0.1:${sipPort}"`,
      "[[server.peers]]",
      'name = "local"',
      'host = "127.0.0.1"',
      "[webhook]",
      `url = "${app.webhookUrl}"`,
      'timeout = "3s"',
      "retry = 0",
      "",
    ].join("\n"),
  );
  const loaded = loadConfig({ path, env: {} });
  if (!loaded.ok) throw new Error(loaded.errors.join("; "));
  const config = loaded.config;
  const timers = createSystemTimers();
  const metrics = createMetrics();
  const http = createFetchHttpPost({ userAgent: "xbridge-test" });
  const rt = { clock: systemClock, timers, random: cryptoRandom, logger: nullLogger };
  const dispatcher = new WebhookDispatcher({
    url: config.webhook.url,
    timeoutMs: config.webhook.timeoutMs,
    retry: config.webhook.retry,
    http,
    ...rt,
    dlq: new DeadLetterQueue(),
    metrics,
  });
  const incoming = new IncomingClient({
    url: config.webhook.url,
    timeoutMs: config.webhook.timeoutMs,
    http,
    clock: systemClock,
    timers,
    metrics,
    logger: nullLogger,
  });
  const built = await createCallSystem(config, { ...rt, metrics, dispatcher, incoming });
  if (!built.ok) throw new Error(built.error);
  return built.value;
}
