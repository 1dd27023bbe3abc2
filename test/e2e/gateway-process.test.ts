/**
 * The gateway as a user runs it: a separate process on loopback, started from a config file,
 * answering /health quickly and leaving cleanly on SIGTERM (spec/README.md "Process lifecycle").
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { REPO, startGatewayProcess, waitForHttp } from "../support/gateway.ts";
import { freePorts, makeTempDir, spawnPeer, waitExit } from "../support/peers.ts";

const toml = (port: number) => `
[listen]
http = "127.0.0.1:${port}"

[webhook]
url = "http://127.0.0.1:9/events"
`;

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
});

describe("gateway process", () => {
  test("serves /health as JSON within 2 s of start and exits 0 on SIGTERM", async () => {
    const [port] = await freePorts(1);
    const started = performance.now();
    const gw = await startGatewayProcess({ toml: toml(port!), httpPort: port!, readyTimeoutMs: 2000 });
    cleanups.push(() => gw.proc.stop());
    expect(performance.now() - started).toBeLessThan(2000);
    const res = await fetch(`${gw.httpUrl}/health`);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({
      status: "starting",
      sip_trunks: 0,
      sip_server: false,
      active_calls: 0,
      trunks: [],
    });
    process.kill(gw.proc.pid, "SIGTERM");
    expect(await waitExit(gw.proc, 10_000)).toBe(0);
    expect(gw.proc.log()).toContain('"msg":"shutdown complete"');
  });

  test("exits 1 naming the address when the HTTP port is taken", async () => {
    const [port] = await freePorts(1);
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: port!, fetch: () => new Response("busy") });
    try {
      const gw = startGatewayProcess({ toml: toml(port!), httpPort: port!, readyTimeoutMs: 300 });
      // /health answers from the blocker, so the helper returns; the gateway itself must have failed.
      const running = await gw;
      expect(await waitExit(running.proc, 5000)).toBe(1);
      expect(running.proc.log()).toContain(`cannot listen on 127.0.0.1:${port} for HTTP`);
    } finally {
      blocker.stop(true);
    }
  });

  test("--version and --help print and exit 0 without reading any config", () => {
    const version = Bun.spawnSync([process.execPath, "run", join(REPO, "src/main.ts"), "--version"]);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.toString()).toMatch(/^xbridge \d+\.\d+\.\d+\n$/);
    const help = Bun.spawnSync([process.execPath, "run", join(REPO, "src/main.ts"), "--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout.toString()).toContain("--check-config");
  });

  test("--check-config validates the example config and exits 0", () => {
    const r = Bun.spawnSync([
      process.execPath,
      "run",
      join(REPO, "src/main.ts"),
      "--check-config",
      "--config",
      join(REPO, "config.example.toml"),
    ]);
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("config ok");
  });

  test("an unknown argument is a usage error with exit 1", () => {
    const r = Bun.spawnSync([process.execPath, "run", join(REPO, "src/main.ts"), "--bogus"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.toString()).toBe('xbridge: unknown argument "--bogus" (see --help)\n');
  });

  test("the compiled single binary serves /health the same way", async () => {
    const dir = makeTempDir("bin");
    const out = join(dir, "xbridge");
    const build = Bun.spawnSync(
      [process.execPath, "build", "--compile", join(REPO, "src/main.ts"), "--outfile", out],
      {
        cwd: REPO,
      },
    );
    expect(build.exitCode).toBe(0);
    const [port] = await freePorts(1);
    const gw = await startGatewayProcess({
      toml: toml(port!),
      httpPort: port!,
      command: [out],
      readyTimeoutMs: 2000,
    });
    cleanups.push(() => gw.proc.stop());
    expect(await waitForHttp(`${gw.httpUrl}/health`, 100)).toBeDefined();
    const health = (await (await fetch(`${gw.httpUrl}/health`)).json()) as { status: string };
    expect(health.status).toBe("starting");
    process.kill(gw.proc.pid, "SIGTERM");
    expect(await waitExit(gw.proc, 10_000)).toBe(0);
  }, 60_000);

  test("a config error is one line on stderr, exit 1, before anything listens", async () => {
    const dir = makeTempDir("badcfg");
    const path = join(dir, "bad.toml");
    await Bun.write(path, '[listen]\nhttp = "127.0.0.1:1"\n[webhook]\nurl = "ftp://x"\n');
    const p = spawnPeer({
      name: "bad",
      cmd: [process.execPath, "run", join(REPO, "src/main.ts"), "--config", path],
      dir,
    });
    expect(await waitExit(p, 10_000)).toBe(1);
    expect(p.log()).toBe('config error: webhook.url: "ftp://x" is not an absolute http:// or https:// URL\n');
  });
});

describe("gateway process with TLS", () => {
  test("serves /health over HTTPS only when tls.cert and tls.key are set", async () => {
    const dir = makeTempDir("tls");
    const gen = Bun.spawnSync(
      ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
        "-subj",
        "/CN=localhost",
        "-days",
        "1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ]),
    );
    expect(gen.exitCode).toBe(0);
    const [port] = await freePorts(1);
    const tlsToml = `${toml(port!)}\n[tls]\ncert = "${join(dir, "cert.pem")}"\nkey = "${join(dir, "key.pem")}"\n`;
    const configPath = join(dir, "config.toml");
    await Bun.write(configPath, tlsToml);
    const p = spawnPeer({
      name: "xb-tls",
      cmd: [process.execPath, "run", join(REPO, "src/main.ts"), "--config", configPath],
      dir,
    });
    cleanups.push(() => p.stop());
    const url = `https://127.0.0.1:${port}/health`;
    let status = 0;
    for (let i = 0; i < 100 && status === 0; i++) {
      try {
        status = (await fetch(url, { tls: { rejectUnauthorized: false } })).status;
      } catch {
        await Bun.sleep(20);
      }
    }
    expect(status).toBe(200);
    // Plain HTTP on the same port is not served (spec/config.md: HTTPS and WSS only).
    const plain = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status,
      () => "refused",
    );
    expect(plain).not.toBe(200);
  });
});
