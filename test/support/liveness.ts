/**
 * "The gateway is still serving": the process has not exited, /health answers 200 and a fresh
 * OPTIONS gets 200 (spec/sip.md §3). The hostile-input tests check it after every barrage.
 */
import { expect } from "bun:test";
import { getHeader, parseMessage } from "../../src/sip/message/index.ts";
import type { RunningGateway } from "./gateway.ts";
import { waitExit } from "./peers.ts";

/** An OPTIONS from a fresh loopback socket; resolves the status (0 when none in 2 s). */
export async function optionsStatus(sipPort: number): Promise<number> {
  let status = 0;
  const s = await Bun.udpSocket({
    hostname: "127.0.0.1",
    port: 0,
    binaryType: "uint8array",
    socket: {
      data(_s, d) {
        const m = parseMessage(d.slice());
        if (m.ok && m.value.kind === "response" && getHeader(m.value, "cseq") === "1 OPTIONS")
          status = m.value.status;
      },
    },
  });
  const msg = [
    `OPTIONS sip:gw@127.0.0.1:${sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${s.port};branch=z9hG4bKalive${Date.now()};rport`,
    "Max-Forwards: 70",
    "From: <sip:probe@127.0.0.1>;tag=p",
    `To: <sip:gw@127.0.0.1:${sipPort}>`,
    `Call-ID: alive-${Date.now()}-${s.port}@liveness`,
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  s.send(msg, sipPort, "127.0.0.1");
  for (let i = 0; i < 200 && status === 0; i++) await Bun.sleep(10);
  s.close();
  return status;
}

/** Asserts the gateway process is alive and serving HTTP and SIP. */
export async function expectAlive(rig: { gw: RunningGateway; sipPort: number }): Promise<void> {
  expect(await waitExit(rig.gw.proc, 20), rig.gw.proc.log().slice(-4000)).toBeUndefined();
  expect((await fetch(`${rig.gw.httpUrl}/health`)).status).toBe(200);
  expect(await optionsStatus(rig.sipPort)).toBe(200);
}
