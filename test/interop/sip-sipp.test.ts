/**
 * Interop with a real SIP stack nobody on the project wrote: sipp 3.6.1 against our SipStack
 * over UDP and TCP on loopback (RFC 3261 §13, §17; sip.md §1 timers). Skips when sipp is
 * missing unless XBRIDGE_REQUIRE_PEERS=1, in which case it fails.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { utf8 } from "../../src/lib/bytes.ts";
import type { TransportProtocol } from "../../src/sip/transport/types.ts";
import { buildRequest } from "../../src/sip/ua/invite-request.ts";
import type { SipDialogHandle } from "../../src/sip/ua/sip-service.ts";
import { makeTempDir, skipWithout } from "../support/peers.ts";
import { ANSWER_SDP, type GatewayUasOptions, startGatewayUas, startStack } from "./harness/gateway-uas.ts";
import { countMessages, startSipp } from "./harness/sipp.ts";

const skip = skipWithout("sipp");
const dir = makeTempDir("sipp");
afterAll(() => {
  // XBRIDGE_KEEP_WORK=1 keeps the sipp logs for inspection (assertion messages carry sipp's output).
  if (process.env.XBRIDGE_KEEP_WORK !== "1") rmSync(dir, { recursive: true, force: true });
});

async function sippCallsUs(protocol: TransportProtocol, scenario: string, options: GatewayUasOptions = {}) {
  const uas = await startGatewayUas(protocol, options);
  try {
    const sipp = await startSipp({
      scenario,
      protocol,
      dir,
      remote: `127.0.0.1:${uas.port}`,
      service: "echo",
    });
    const code = await sipp.finish(18_000);
    return { code, events: uas.events, log: sipp.messageLog(), peerLog: sipp.peer.log() };
  } finally {
    await uas.stop();
  }
}

async function weCallSipp(protocol: TransportProtocol, scenario: string) {
  const sipp = await startSipp({ scenario, protocol, dir });
  const stack = await startStack(protocol);
  try {
    const local = stack.local(protocol)!;
    const request = buildRequest({
      method: "INVITE",
      uri: `sip:service@127.0.0.1:${sipp.port}`,
      from: `<sip:xbridge@127.0.0.1:${local.port}>`,
      fromTag: stack.newTag(),
      to: `<sip:service@127.0.0.1:${sipp.port}>`,
      callId: stack.newCallId(),
      contact: stack.contactUri(protocol, "xbridge"),
      body: utf8(ANSWER_SDP),
      contentType: "application/sdp",
    });
    const call = stack.invite({ target: { protocol, address: "127.0.0.1", port: sipp.port }, request });
    if (call === undefined) throw new Error("INVITE not sent");
    const dialog = await new Promise<SipDialogHandle>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no answer")), 8000);
      call.on("answered", ({ dialog }) => {
        clearTimeout(t);
        resolve(dialog);
      });
      call.on("failed", (f) => reject(new Error(`failed ${f.status}`)));
    });
    await Bun.sleep(200);
    const bye = await dialog.bye();
    const code = await sipp.finish(10_000);
    return { code, bye, log: sipp.messageLog(), peerLog: sipp.peer.log() };
  } finally {
    await stack.stop();
  }
}

describe.skipIf(skip)("sipp interop", () => {
  for (const protocol of ["UDP", "TCP"] as const) {
    test(`${protocol}: sipp UAC → our UAS: INVITE, 180, 200 with SDP, ACK, BYE`, async () => {
      const r = await sippCallsUs(protocol, "uac_call.xml");
      expect(r.code, r.peerLog).toBe(0);
      expect(r.events).toEqual(["invite", "confirmed", "bye"]);
    }, 20_000);

    test(`${protocol}: sipp OPTIONS gets 200 with Allow`, async () => {
      const r = await sippCallsUs(protocol, "uac_options.xml");
      expect(r.code, r.peerLog).toBe(0);
    }, 20_000);

    test(`${protocol}: our UAC → sipp UAS: answered, ACKed, BYE answered 200`, async () => {
      const r = await weCallSipp(protocol, "uas_answer.xml");
      expect(r.bye.ok && r.bye.response.status).toBe(200);
      expect(countMessages(r.log, "received", "ACK ", "1 ACK")).toBe(1);
      expect(r.code, r.peerLog).toBe(0);
    }, 20_000);
  }

  test("UDP: sipp answers our digest challenge (401, MD5, qop=auth) and the call completes", async () => {
    const r = await sippCallsUs("UDP", "uac_auth.xml", { auth: { username: "alice", password: "alicepw" } });
    expect(r.code, r.peerLog).toBe(0);
    expect(r.events).toEqual(["challenged", "auth-ok", "invite", "confirmed", "bye"]);
    // The ACK for the 401 matched the INVITE's transaction: no 401 retransmission reached sipp.
    expect(countMessages(r.log, "received", "SIP/2.0 401", "1 INVITE")).toBe(1);
  }, 20_000);

  test("UDP: sipp with a wrong password is refused with 403", async () => {
    const r = await sippCallsUs("UDP", "uac_auth.xml", { auth: { username: "alice", password: "other" } });
    expect(r.code).not.toBe(0);
    expect(r.events).toEqual(["challenged", "auth-forbidden"]);
    expect(countMessages(r.log, "received", "SIP/2.0 403", "2 INVITE")).toBeGreaterThanOrEqual(1);
  }, 20_000);

  test("UDP: we retransmit the 200 OK until the late ACK arrives (RFC 3261 §13.3.1.4)", async () => {
    const r = await sippCallsUs("UDP", "uac_late_ack.xml");
    expect(r.code, r.peerLog).toBe(0);
    // sipp waited 1.8 s before ACKing: the 200 came at 0 s, +0.5 s and +1.5 s.
    expect(countMessages(r.log, "received", "SIP/2.0 200", "1 INVITE")).toBeGreaterThanOrEqual(3);
    expect(r.events).toEqual(["invite", "confirmed", "bye"]);
  }, 20_000);

  test("UDP: we retransmit the INVITE on Timer A while the UAS stays silent (RFC 3261 §17.1.1.2)", async () => {
    const r = await weCallSipp("UDP", "uas_slow.xml");
    // sipp ignored the INVITE for 1.2 s: the original plus the retransmission at +0.5 s.
    expect(countMessages(r.log, "received", "INVITE ", "1 INVITE")).toBeGreaterThanOrEqual(2);
    expect(r.bye.ok && r.bye.response.status).toBe(200);
    expect(r.code, r.peerLog).toBe(0);
  }, 20_000);
});
