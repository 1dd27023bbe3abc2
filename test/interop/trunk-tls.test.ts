/**
 * A `transport = "tls"` trunk in the real gateway process (spec/sip.md §2, config.md trunks;
 * RFC 3261 §26.3.1 TLS between hops, RFC 5280 §4.2.1.6 IP subjectAltName, issue #6): kamailio
 * with its tls module listens on loopback with a server certificate for 127.0.0.1 signed by a
 * throwaway CA; the gateway, which verifies TLS servers by default, trusts that CA only through
 * NODE_EXTRA_CA_CERTS.
 * With the CA it registers over TLS (/health, kamailio's location table shows the tls socket)
 * and SIGTERM unregisters it; without the CA the handshake is refused and it never registers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type RunningGateway, startGatewayProcess } from "../support/gateway.ts";
import { freePorts, makeTempDir, peersRequired, skipWithout, waitExit } from "../support/peers.ts";
import { untilValue } from "../support/poll.ts";
import { type Kamailio, startKamailio } from "./kamailio/kamailio.ts";
import { makeTestCertificates, type TestCertificates } from "./kamailio/tls/certs.ts";

/** Debian puts kamailio modules in /usr/lib/<triplet>/kamailio/modules; source builds in lib{,64}. */
function hasKamailioTlsModule(): boolean {
  const dirs = [
    "/usr/lib/kamailio/modules",
    "/usr/lib64/kamailio/modules",
    "/usr/local/lib/kamailio/modules",
    "/usr/local/lib64/kamailio/modules",
  ];
  try {
    for (const e of readdirSync("/usr/lib")) dirs.push(join("/usr/lib", e, "kamailio", "modules"));
  } catch {
    // no /usr/lib: only the fixed candidates
  }
  return dirs.some((d) => existsSync(join(d, "tls.so")));
}

const skip = skipWithout("kamailio", "kamcmd", "openssl") || (!peersRequired && !hasKamailioTlsModule());

interface Health {
  status: string;
  sip_trunks: number;
  trunks: Array<{ name: string; registered: boolean }>;
}

/** kamailio's `tcp:` counters (TLS connections are counted there too), by name. */
async function tcpStats(kam: Kamailio): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await kam.kamcmd("stats.get_statistics", "tcp:")).matchAll(/tcp:(\w+) = (\d+)/g)) {
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

const health = async (gw: RunningGateway) => (await (await fetch(`${gw.httpUrl}/health`)).json()) as Health;

function tlsTrunkToml(httpPort: number, tlsPort: number): string {
  return `
[listen]
http = "127.0.0.1:${httpPort}"

[[trunks]]
name = "office-tls"
username = "gateway"
password = "gatewaypw"
host = "127.0.0.1:${tlsPort}"
transport = "tls"

[webhook]
# No call is placed: nothing listens here.
url = "http://127.0.0.1:${httpPort}/no-calls-expected"
`;
}

describe.skipIf(skip)("a TLS trunk in the gateway process", () => {
  let certs: TestCertificates;
  let kam: Kamailio;
  let tlsPort: number;
  beforeAll(async () => {
    const dir = makeTempDir("kamailio-tls");
    certs = makeTestCertificates(dir);
    const [kamPort, port] = (await freePorts(2)) as [number, number];
    tlsPort = port;
    kam = await startKamailio(kamPort, dir, {
      port: tlsPort,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
    });
  }, 15_000);
  afterAll(async () => {
    await kam?.stop();
  });

  test("registers the trunk over TLS when NODE_EXTRA_CA_CERTS trusts the server's CA, and SIGTERM unregisters it", async () => {
    const [httpPort] = (await freePorts(1)) as [number];
    const gw = await startGatewayProcess({
      httpPort,
      toml: tlsTrunkToml(httpPort, tlsPort),
      env: { NODE_EXTRA_CA_CERTS: certs.caFile },
    });
    try {
      const h = await untilValue(
        () => health(gw),
        (v) => v.sip_trunks === 1,
        8000,
      );
      expect(h.trunks, gw.proc.log().slice(-3000)).toEqual([{ name: "office-tls", registered: true }]);
      const ul = await kam.ulDump();
      expect(ul).toContain("AoR: gateway");
      // The binding arrived on kamailio's TLS socket, with a transport=tls Contact (RFC 3261 §19.1.1).
      expect(ul).toContain(`Socket: tls:127.0.0.1:${tlsPort}`);
      expect(ul).toMatch(/Address: sip:gateway@127\.0\.0\.1:\d+;transport=tls/);

      process.kill(gw.proc.pid, "SIGTERM");
      expect(await waitExit(gw.proc, 10_000), gw.proc.log()).toBe(0);
      expect(await kam.ulDump()).not.toContain("AoR: gateway");
    } finally {
      await gw.proc.stop();
    }
  }, 20_000);

  test("refuses the handshake and never registers when the server's CA is not the trusted one", async () => {
    // Another throwaway CA: the variable is set, but to the wrong authority.
    const other = makeTestCertificates(makeTempDir("other-ca"));
    const acceptedBefore = (await tcpStats(kam)).passive_open ?? 0;
    const logMark = kam.proc.log().length;
    const [httpPort] = (await freePorts(1)) as [number];
    const gw = await startGatewayProcess({
      httpPort,
      toml: tlsTrunkToml(httpPort, tlsPort),
      env: { NODE_EXTRA_CA_CERTS: other.caFile },
    });
    try {
      // kamailio accepted the gateway's connection on its TLS port, and the gateway closed it:
      // the certificate check failed before any SIP byte was sent.
      const stats = await untilValue(
        () => tcpStats(kam),
        (t) => (t.passive_open ?? 0) > acceptedBefore && t.current_opened_connections === 0,
        8000,
      );
      expect(stats.passive_open ?? 0, gw.proc.log()).toBeGreaterThan(acceptedBefore);
      expect(stats.current_opened_connections).toBe(0);
      expect(kam.proc.log().slice(logMark)).not.toContain("REQ REGISTER");
      expect((await health(gw)).trunks).toEqual([{ name: "office-tls", registered: false }]);
      expect(await kam.ulDump()).not.toContain("AoR: gateway");
    } finally {
      await gw.proc.stop();
    }
  }, 20_000);
});
