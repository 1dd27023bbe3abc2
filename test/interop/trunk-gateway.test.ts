/**
 * Trunks in the real gateway process (spec/sip.md §2, rest-api.md /health and metrics): the
 * gateway registers two trunks (UDP and TCP) with kamailio, /health and
 * xbridge_trunk_registered show them live, a trunk with a wrong password stays unregistered
 * without affecting the others, a call through the proxy reaches /incoming with `trunk` set,
 * and SIGTERM unregisters (Expires: 0) before exit.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FakeApp, startFakeApp } from "../support/app-server.ts";
import { type RunningGateway, startGatewayProcess } from "../support/gateway.ts";
import { freePorts, makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import { untilValue } from "../support/poll.ts";
import {
  defaultKeys,
  SIPP_SCENARIOS,
  sippMediaPort,
  sippMessages,
  startSipp,
} from "../support/sipp-media.ts";
import { type Kamailio, startKamailio } from "./kamailio/kamailio.ts";

const skip = skipWithout("kamailio", "kamcmd", "sipp", "sox");

interface Health {
  status: string;
  sip_trunks: number;
  trunks: Array<{ name: string; registered: boolean }>;
}

describe.skipIf(skip)("trunks in the gateway process", () => {
  let kam: Kamailio;
  let app: FakeApp;
  let gw: RunningGateway;
  beforeAll(async () => {
    const [kamPort, httpPort] = (await freePorts(2)) as [number, number];
    kam = await startKamailio(kamPort);
    app = startFakeApp();
    gw = await startGatewayProcess({
      httpPort,
      toml: `
[listen]
http = "127.0.0.1:${httpPort}"

[[trunks]]
name = "office-udp"
username = "gateway"
password = "gatewaypw"
host = "127.0.0.1:${kamPort}"

[[trunks]]
name = "office-tcp"
username = "1001"
password = "secret1001"
host = "127.0.0.1:${kamPort}"
transport = "tcp"

[[trunks]]
name = "broken"
username = "1000"
password = "wrong-password"
host = "127.0.0.1:${kamPort}"

[webhook]
url = "${app.webhookUrl}"
`,
    });
  }, 20_000);
  afterAll(async () => {
    await gw?.proc.stop();
    await app?.stop();
    await kam?.stop();
  });

  test("/health and xbridge_trunk_registered show the two good trunks registered and the broken one not", async () => {
    const health = await untilValue(
      async () => (await (await fetch(`${gw.httpUrl}/health`)).json()) as Health,
      (h) => h.sip_trunks === 2,
      10_000,
    );
    expect(health.status, gw.proc.log().slice(-3000)).toBe("ok");
    expect(health.trunks).toEqual([
      { name: "office-udp", registered: true },
      { name: "office-tcp", registered: true },
      { name: "broken", registered: false },
    ]);
    const metrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(metrics).toContain('xbridge_trunk_registered{trunk="office-udp"} 1');
    expect(metrics).toContain('xbridge_trunk_registered{trunk="office-tcp"} 1');
    expect(metrics).toContain('xbridge_trunk_registered{trunk="broken"} 0');
    const ul = await kam.ulDump();
    expect(ul).toContain("gateway");
    expect(ul).toContain("1001");
  }, 20_000);

  test("a call to the registered user through the proxy reaches /incoming with trunk set", async () => {
    const dir = makeTempDir("trunk-gw-call");
    const mediaPort = await sippMediaPort();
    const [sipPort, ctrlPort] = (await freePorts(2, [mediaPort, mediaPort + 2])) as [number, number];
    const sipp = startSipp({
      dir,
      target: { host: "127.0.0.1", port: kam.port },
      scenario: `${SIPP_SCENARIOS}/uac_rtp.xml`,
      service: "gateway",
      sipPort,
      mediaPort,
      ctrlPort,
      keys: defaultKeys(dir),
      durationMs: 1500,
    });
    const req = await app.waitForIncoming(1, 8000);
    expect(req.body).toMatchObject({ to: "gateway", trunk: "office-udp", direction: "inbound" });
    expect(req.body.peer).toBeUndefined();
    expect(await waitExit(sipp, 15_000), sippMessages(dir)).toBe(0);
    const ended = await app.waitForEvent(
      (e) => e.call_id === req.body.call_id && e.event === "call.ended",
      5000,
    );
    expect(ended.reason).toBe("normal");
  }, 30_000);

  test("SIGTERM unregisters every trunk before the process exits 0", async () => {
    process.kill(gw.proc.pid, "SIGTERM");
    expect(await waitExit(gw.proc, 10_000), gw.proc.log()).toBe(0);
    const ul = await kam.ulDump();
    expect(ul).not.toContain("gateway");
    expect(ul).not.toContain("1001");
  }, 20_000);
});
