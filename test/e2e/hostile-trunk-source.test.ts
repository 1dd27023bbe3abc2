/**
 * Who may call in through a registered trunk (spec/sip.md §2): a registrar forwards calls for
 * our AOR to the Contact we registered (RFC 3261 §10.3, §16.5), so an INVITE on a trunk's
 * listener is taken only from that trunk's registrar address. Anyone else gets 403 and the app
 * is never asked. (On loopback every process shares 127.0.0.1, so the stranger here sends from
 * 127.0.0.2.)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FakeApp, startFakeApp } from "../support/app-server.ts";
import { type RunningGateway, startGatewayProcess } from "../support/gateway.ts";
import { freePorts } from "../support/peers.ts";

function invite(gatewayPort: number, fromPort: number, callId: string): string {
  const sdp = [
    "v=0",
    "o=- 1 1 IN IP4 127.0.0.2",
    "s=-",
    "c=IN IP4 127.0.0.2",
    "t=0 0",
    "m=audio 40000 RTP/AVP 0",
    "",
  ].join("\r\n");
  return [
    `INVITE sip:1001@127.0.0.1:${gatewayPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.2:${fromPort};branch=z9hG4bK${callId};rport`,
    "Max-Forwards: 70",
    "From: <sip:attacker@203.0.113.9>;tag=x",
    "To: <sip:1001@127.0.0.1>",
    `Call-ID: ${callId}`,
    "CSeq: 1 INVITE",
    `Contact: <sip:attacker@127.0.0.2:${fromPort}>`,
    "Content-Type: application/sdp",
    `Content-Length: ${sdp.length}`,
    "",
    sdp,
  ].join("\r\n");
}

describe("INVITEs on a trunk's listener", () => {
  let app: FakeApp;
  let gw: RunningGateway;
  let trunkPort = 0;
  beforeAll(async () => {
    app = startFakeApp();
    const [httpPort, deadRegistrar] = (await freePorts(2)) as [number, number];
    gw = await startGatewayProcess({
      httpPort,
      toml: `
[listen]
http = "127.0.0.1:${httpPort}"
[[trunks]]
name = "office"
username = "1001"
password = "pw"
host = "127.0.0.1:${deadRegistrar}"
[webhook]
url = "${app.webhookUrl}"
`,
    });
    const deadline = performance.now() + 3000;
    while (trunkPort === 0 && performance.now() < deadline) {
      trunkPort = Number(/"transport":"udp","address":"[^"]*:(\d+)"/.exec(gw.proc.log())?.[1] ?? 0);
      await Bun.sleep(20);
    }
  }, 15_000);
  afterAll(async () => {
    await gw?.proc.stop();
    await app?.stop();
  });

  test("answers 403 to a host that is not the trunk's registrar and never asks the app", async () => {
    expect(trunkPort).toBeGreaterThan(0);
    const answers: string[] = [];
    const sock = await Bun.udpSocket({
      hostname: "127.0.0.2",
      port: 0,
      socket: { data: (_s, d) => void answers.push(new TextDecoder().decode(d)) },
    });
    try {
      sock.send(invite(trunkPort, sock.port, "stranger-1"), trunkPort, "127.0.0.1");
      const deadline = performance.now() + 3000;
      while (!answers.some((a) => /^SIP\/2\.0 [2-6]\d\d/.test(a)) && performance.now() < deadline)
        await Bun.sleep(20);
      const final = answers.find((a) => /^SIP\/2\.0 [2-6]\d\d/.test(a));
      expect(final?.split("\r\n")[0]).toBe("SIP/2.0 403 Forbidden");
      expect(app.incoming).toHaveLength(0);
    } finally {
      sock.close();
    }
  });
});
