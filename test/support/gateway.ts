/**
 * Starts the real gateway as a separate process (`bun run src/main.ts --config FILE`, or a
 * compiled binary) on loopback, for end-to-end tests. Stopped by PID only.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { makeTempDir, type PeerProcess, spawnPeer } from "./peers.ts";

export const REPO = resolve(import.meta.dir, "../..");

export interface RunningGateway {
  readonly proc: PeerProcess;
  readonly httpUrl: string;
  readonly dir: string;
}

export interface StartGatewayOptions {
  /** TOML config text; write `listen.http` with the port you chose. */
  toml: string;
  httpPort: number;
  /** Command to run instead of `bun run src/main.ts` (e.g. a compiled binary). */
  command?: string[];
  env?: Record<string, string>;
  /** How long /health may take to answer. */
  readyTimeoutMs?: number;
}

/** Polls `url` until it answers 200; resolves the elapsed ms, or undefined on timeout. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    try {
      const r = await fetch(url);
      if (r.status === 200) return performance.now() - start;
    } catch {
      // not listening yet
    }
    await Bun.sleep(20);
  }
  return undefined;
}

export async function startGatewayProcess(opts: StartGatewayOptions): Promise<RunningGateway> {
  const dir = makeTempDir("gw");
  const configPath = join(dir, "config.toml");
  writeFileSync(configPath, opts.toml);
  const cmd = opts.command ?? [process.execPath, "run", join(REPO, "src/main.ts")];
  const proc = spawnPeer({
    name: "xbridge",
    cmd: [...cmd, "--config", configPath],
    dir,
    env: { XBRIDGE_LOG_LEVEL: "debug", ...(opts.env ?? {}) },
  });
  const httpUrl = `http://127.0.0.1:${opts.httpPort}`;
  const ready = await waitForHttp(`${httpUrl}/health`, opts.readyTimeoutMs ?? 5000);
  if (ready === undefined) {
    await proc.stop();
    throw new Error(`gateway did not answer /health:\n${proc.log()}`);
  }
  return { proc, httpUrl, dir };
}
