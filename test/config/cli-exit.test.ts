/**
 * The process contract of spec/config.md §1: with a bad configuration `xbridge` prints exactly
 * its `config error:` lines on stderr, exits 1, and opens no socket (validation happens before
 * any bind). Runs src/main.ts in a child Bun process.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { skipWithout } from "../support/peers.ts";
import { createCaseDir } from "./support/load-both.ts";

const root = join(import.meta.dir, "..", "..");
const MAIN = join(root, "src", "main.ts");
const dir = createCaseDir("xbridge-cli-");
afterAll(() => dir.remove());

/** The parent's environment without XBRIDGE_* variables, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith("XBRIDGE_") && v !== undefined) env[k] = v;
  return { ...env, ...extra };
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` to completion, killing it (by PID) if it is still running after 15 s. */
async function run(cmd: string[], env: Record<string, string>): Promise<Exit> {
  const proc = Bun.spawn(cmd, { cwd: root, env, stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

function xbridge(args: string[], extraEnv: Record<string, string> = {}): Promise<Exit> {
  return run([process.execPath, "run", MAIN, ...args], cleanEnv(extraEnv));
}

function write(name: string, text: string): string {
  const path = join(dir.dir, name);
  writeFileSync(path, text);
  return path;
}

const BAD_CIDR_YAML = `listen: { http: "127.0.0.1:0" }
webhook: { url: "http://127.0.0.1:3000/events" }
server:
  listen: "127.0.0.1:0"
  peers:
    - { name: pbx, host: 192.168.1.20 }
    - { name: carrier, hosts: ["54.172.60.0/33"] }
`;

describe("xbridge with a bad configuration", () => {
  const cases: Array<[string, () => string[], Record<string, string>, string[]]> = [
    [
      "a YAML file with a bad CIDR",
      () => ["--config", write("bad-cidr.yaml", BAD_CIDR_YAML)],
      {},
      ['config error: server.peers[1].hosts[0]: "54.172.60.0/33" is not an IP address or CIDR'],
    ],
    [
      "a TOML file with two value errors",
      () => [
        "--config",
        write(
          "two.toml",
          `[listen]\nhttp = "127.0.0.1:0"\n[webhook]\nurl = "mailto:ops@example.com"\n[auth]\napi_key = ""\n`,
        ),
      ],
      {},
      [
        'config error: webhook.url: "mailto:ops@example.com" is not an absolute http:// or https:// URL',
        "config error: auth.api_key: must not be empty",
      ],
    ],
    [
      "a TOML file with an unknown key (--config=PATH form)",
      () => [`--config=${write("typo.toml", `[listen]\nhttp = "127.0.0.1:0"\nhtttp = "x"\n`)}`],
      {},
      ["config error: listen.htttp: unknown key"],
    ],
    [
      "an .ini file",
      () => ["--config", write("xbridge.ini", "[listen]\n")],
      {},
      [
        `config error: ${join(dir.dir, "xbridge.ini")}: unsupported config format ".ini" (expected .yaml, .yml or .toml)`,
      ],
    ],
    [
      "a missing file",
      () => ["--config", join(dir.dir, "nope.yaml")],
      {},
      [`config error: ${join(dir.dir, "nope.yaml")}: cannot read file (no such file)`],
    ],
    [
      "a good file with a bad environment variable",
      () => [
        "--config",
        write(
          "good.yaml",
          `listen: { http: "127.0.0.1:0" }\nwebhook: { url: "http://127.0.0.1:3000/events" }\n`,
        ),
      ],
      { XBRIDGE_SIP_RTP_PORT_MIN: "abc" },
      ['config error: XBRIDGE_SIP_RTP_PORT_MIN: "abc" is not an integer 0–65535'],
    ],
    [
      "no file and only XBRIDGE_SIP_USERNAME",
      () => [],
      { XBRIDGE_SIP_USERNAME: "1001", XBRIDGE_LISTEN_HTTP: "127.0.0.1:0" },
      [
        "config error: sip.password: is required when sip.username is set",
        "config error: sip.host: is required when sip.username is set",
      ],
    ],
  ];

  for (const [what, args, env, lines] of cases) {
    test(`exits 1 and prints only the config error lines for ${what}`, async () => {
      const r = await xbridge(args(), env);
      expect(r.stderr).toBe(`${lines.join("\n")}\n`);
      expect(r.stdout).toBe("");
      expect(r.code).toBe(1);
    });
  }

  test("--check-config reports the same errors and exit code", async () => {
    const r = await xbridge(["--check-config", "--config", write("check.yaml", BAD_CIDR_YAML)]);
    expect(r.stderr).toBe(
      'config error: server.peers[1].hosts[0]: "54.172.60.0/33" is not an IP address or CIDR\n',
    );
    expect(r.code).toBe(1);
  });

  test("validates before binding: with its ports taken it reports the config error, not a bind failure", async () => {
    const tcp = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const udp = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
    try {
      const yaml = BAD_CIDR_YAML.replace('http: "127.0.0.1:0"', `http: "127.0.0.1:${tcp.port}"`).replace(
        'listen: "127.0.0.1:0"',
        `listen: "127.0.0.1:${udp.port}"`,
      );
      const r = await xbridge(["--config", write("ports.yaml", yaml)]);
      expect(r.stderr).toBe(
        'config error: server.peers[1].hosts[0]: "54.172.60.0/33" is not an IP address or CIDR\n',
      );
      expect(r.code).toBe(1);
    } finally {
      tcp.stop(true);
      udp.close();
    }
  });
});

describe.skipIf(skipWithout("strace"))("xbridge socket calls under strace", () => {
  /** Runs xbridge under `strace -f` tracing execve/bind/listen; returns the trace lines. */
  async function traced(
    config: string,
    stopAfterListen: boolean,
  ): Promise<{ code: number | null; trace: string[] }> {
    const out = join(dir.dir, `strace-${stopAfterListen ? "good" : "bad"}.txt`);
    const proc: Subprocess = Bun.spawn(
      [
        "strace",
        "-f",
        "-qq",
        "-e",
        "trace=execve,bind,listen",
        "-o",
        out,
        process.execPath,
        "run",
        MAIN,
      ].concat(["--config", config]),
      { cwd: root, env: cleanEnv(), stdout: "ignore", stderr: "ignore" },
    );
    const lines = () => {
      try {
        return readFileSync(out, "utf8").split("\n");
      } catch {
        return [];
      }
    };
    if (stopAfterListen) {
      // Bounded wait (10 s) for the gateway's first listen(), then SIGTERM to the xbridge PID
      // (the traced execve), which shuts down cleanly; strace exits with it.
      for (let i = 0; i < 200 && !lines().some((l) => /\blisten\(/.test(l)); i++) await Bun.sleep(50);
      const pid = Number(lines()[0]?.split(/\s+/)[0]);
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, "SIGTERM");
    }
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const code = await proc.exited;
    clearTimeout(timer);
    return { code, trace: lines() };
  }

  const socketCalls = (trace: string[]) => trace.filter((l) => /\b(bind|listen)\(/.test(l));

  test("a bad config exits 1 without a single bind() or listen()", async () => {
    const r = await traced(write("strace-bad.yaml", BAD_CIDR_YAML), false);
    expect(r.trace.some((l) => l.includes("execve("))).toBe(true);
    expect(socketCalls(r.trace)).toEqual([]);
    expect(r.code).toBe(1);
  });

  test("control: the same harness sees bind() and listen() for a good config", async () => {
    const good = write(
      "strace-good.yaml",
      `listen: { http: "127.0.0.1:0" }\nwebhook: { url: "http://127.0.0.1:3000/events" }\n`,
    );
    const r = await traced(good, true);
    expect(socketCalls(r.trace).length).toBeGreaterThan(0);
  });
});
