/**
 * `xbridge` entry point: CLI → config → gateway → signals. Exit codes (spec/README.md):
 * 0 clean exit, 1 usage/config/startup error — always before any socket is opened for the
 * first two.
 */
import pkg from "../package.json" with { type: "json" };
import { startGateway } from "./app.ts";
import { parseArgs, USAGE } from "./cli.ts";
import { loadConfig } from "./config/index.ts";
import { cryptoRandom } from "./runtime/crypto-random.ts";
import { createStdoutLogger, parseLogLevel } from "./runtime/stdout-logger.ts";
import { createSystemTimers, systemClock } from "./runtime/system-clock.ts";

function fail(lines: readonly string[]): never {
  for (const l of lines) process.stderr.write(`${l}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const cmd = parseArgs(process.argv.slice(2));
  if (!cmd.ok) fail([`xbridge: ${cmd.error}`]);
  if (cmd.value.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (cmd.value.kind === "version") {
    process.stdout.write(`xbridge ${pkg.version}\n`);
    return;
  }

  const loaded = loadConfig({ path: cmd.value.configPath, env: process.env });
  if (!loaded.ok) fail(loaded.errors);
  const logger = createStdoutLogger(parseLogLevel(process.env.XBRIDGE_LOG_LEVEL));
  for (const w of loaded.warnings) logger.warn(w);
  if (cmd.value.kind === "check-config") {
    process.stdout.write(
      `config ok${cmd.value.configPath ? `: ${cmd.value.configPath}` : " (defaults + environment)"}\n`,
    );
    return;
  }

  const timers = createSystemTimers();
  const started = await startGateway(loaded.config, {
    clock: systemClock,
    timers,
    random: cryptoRandom,
    logger,
  });
  if (!started.ok) fail([`xbridge: ${started.error}`]);
  const gateway = started.value;
  logger.info("xbridge started", { version: pkg.version, http: gateway.httpUrl });

  // Last resort: an exception no module caught is a bug, but exiting would drop every live call.
  // Log it loudly (with its stack) and keep serving.
  process.on("uncaughtException", (e) =>
    logger.error("uncaught exception", { error: String(e), stack: (e as Error).stack }),
  );
  process.on("unhandledRejection", (e) => logger.error("unhandled rejection", { error: String(e) }));

  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    void gateway.shutdown().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
}

await main();
