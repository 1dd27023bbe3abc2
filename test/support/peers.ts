/**
 * Detects the external programs that interop and oracle tests run (ffmpeg, sox, sipp,
 * baresip…). A test that needs one is skipped when it is missing, unless the environment sets
 * XBRIDGE_REQUIRE_PEERS=1 (CI does): then the test runs and fails on the missing program.
 * Also the process and port helpers every interop test uses: spawn a peer with logs in a temp
 * dir, stop it by PID (TERM then KILL), wait for a UDP/TCP port, pick free loopback ports.
 */

import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

const found = new Map<string, boolean>();

/** True when `program` is on PATH (cached). */
export function hasProgram(program: string): boolean {
  let ok = found.get(program);
  if (ok === undefined) {
    ok = Bun.which(program) !== null;
    found.set(program, ok);
  }
  return ok;
}

/** True when missing programs must fail tests rather than skip them. */
export const peersRequired: boolean = process.env.XBRIDGE_REQUIRE_PEERS === "1";

/**
 * Whether a test needing `programs` should be skipped: only when one is missing and peers are
 * not required. Use as `test.skipIf(skipWithout("ffmpeg"))(…)`.
 */
export function skipWithout(...programs: string[]): boolean {
  return !peersRequired && programs.some((p) => !hasProgram(p));
}

// ---------------------------------------------------------------------------------------------
// Process and port helpers for interop tests: spawn a peer with its output in a temp dir, stop
// it by PID (TERM, then KILL), wait for its port, and pick free loopback ports.

/** A fresh scratch directory under the system temp dir. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `xbridge-${prefix}-`));
}

export interface PeerProcess {
  readonly pid: number;
  readonly name: string;
  /** stdout+stderr of the process. */
  readonly logPath: string;
  readonly exited: Promise<number>;
  /** The log so far (for assertion messages). */
  log(): string;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves with the exit code (null if killed). */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnPeerOptions {
  name: string;
  cmd: string[];
  /** Working directory and log location (sipp writes its files into its CWD). */
  dir: string;
  env?: Record<string, string>;
}

/** Starts a peer in the background; its output goes to `<dir>/<name>.log`. */
export function spawnPeer(options: SpawnPeerOptions): PeerProcess {
  const logPath = join(options.dir, `${options.name}.log`);
  const fd = openSync(logPath, "a");
  let proc: Subprocess;
  try {
    proc = Bun.spawn(options.cmd, {
      cwd: options.dir,
      stdin: "ignore",
      stdout: fd,
      stderr: fd,
      env: { ...process.env, ...(options.env ?? {}) },
    });
  } finally {
    closeSync(fd);
  }
  const exited = proc.exited;
  return {
    pid: proc.pid,
    name: options.name,
    logPath,
    exited,
    log: () => {
      try {
        return readFileSync(logPath, "utf8");
      } catch {
        return "";
      }
    },
    async stop(graceMs = 2000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      // By PID only: never by name (the interop rules forbid pkill/killall).
      proc.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), Bun.sleep(graceMs).then(() => false)]);
      if (!done) {
        proc.kill("SIGKILL");
        await exited;
      }
      return proc.exitCode;
    },
  };
}

/** Resolves the exit code, or undefined when `ms` passes first. */
export async function waitExit(peer: PeerProcess, ms: number): Promise<number | undefined> {
  return Promise.race([peer.exited, Bun.sleep(ms).then(() => undefined)]);
}

/** True when a TCP connection to host:port succeeds. */
async function tcpOpen(host: string, port: number): Promise<boolean> {
  try {
    const s = await Bun.connect({ hostname: host, port, socket: { data() {} } });
    s.end();
    return true;
  } catch {
    return false;
  }
}

/** True when some socket is bound to UDP `port` (Linux /proc/net/udp{,6}). */
function udpBound(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/udp", "/proc/net/udp6"]) {
    try {
      const lines = readFileSync(file, "utf8").split("\n").slice(1);
      if (lines.some((l) => l.trim().split(/\s+/)[1]?.endsWith(`:${hex}`))) return true;
    } catch {
      // Not Linux or no IPv6 table: fall through.
    }
  }
  return false;
}

/** Polls until the port accepts (TCP) or is bound (UDP); false after `timeoutMs`. */
export async function waitForPort(
  protocol: "udp" | "tcp",
  port: number,
  host = "127.0.0.1",
  timeoutMs = 5000,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (protocol === "udp" ? udpBound(port) : await tcpOpen(host, port)) return true;
    await Bun.sleep(25);
  }
  return false;
}

/** True when `port` can be bound on 127.0.0.1 for both UDP and TCP right now. */
async function udpAndTcpFree(port: number): Promise<boolean> {
  if (port > 65535) return false;
  try {
    const udp = await Bun.udpSocket({ hostname: "127.0.0.1", port });
    udp.close();
    Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}

/** True when the `count` ports from `base` can all be bound on 127.0.0.1 (UDP and TCP) right now. */
export async function portsFree(base: number, count: number): Promise<boolean> {
  for (let p = base; p < base + count; p++) if (!(await udpAndTcpFree(p))) return false;
  return true;
}

/**
 * `count` distinct loopback ports that are free for both UDP and TCP right now (bound then
 * released; another process could still take one, so keep the window short), none of them in
 * or next to `avoid` (ports the caller already holds for something else).
 */
export async function freePorts(count: number, avoid: readonly number[] = []): Promise<number[]> {
  const out: number[] = [];
  for (let attempts = 0; out.length < count && attempts < count * 20; attempts++) {
    const udp = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
    const port = udp.port;
    let tcpFree = true;
    try {
      Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    } catch {
      tcpFree = false;
    }
    udp.close();
    // Some peers also bind the next port (baresip: TLS on SIP+1), so keep a gap between the
    // ports of one batch and require port+1 to be free too.
    const nextFree = tcpFree && (await udpAndTcpFree(port + 1));
    const adjacent = [...out, ...avoid].some((p) => Math.abs(p - port) <= 1);
    if (nextFree && !adjacent && port !== 5060 && port !== 5080) out.push(port);
  }
  if (out.length < count) throw new Error(`could not find ${count} free loopback ports`);
  return out;
}
