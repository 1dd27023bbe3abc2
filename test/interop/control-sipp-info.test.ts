/**
 * SIP INFO DTMF both ways against sipp (issue #7; sip.md §9): sipp calls the in-process trunk
 * host offering PCMU without telephone-event, then sends INFO `application/dtmf-relay`
 * `Signal=5`, which must come back `200 OK` and reach the app as `call.dtmf`. The REST DTMF
 * command then has no RFC 4733 to use, so the gateway sends INFO `Signal=7` / `Duration=100`
 * in the dialog and waits for sipp's 200; finally our BYE ends the scenario. The scenario is
 * written here (a user's clone has no ../shared).
 */
import { afterAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeApp, startFakeApp } from "../support/app-server.ts";
import { freePorts, makeTempDir, skipWithout, spawnPeer, waitExit } from "../support/peers.ts";
import { startCallSystem } from "./control-system.ts";

const skip = skipWithout("sipp");
const dir = makeTempDir("control-sipp-info");
afterAll(() => {
  if (process.env.XBRIDGE_KEEP_WORK !== "1") rmSync(dir, { recursive: true, force: true });
});

const HEADERS_IN_DIALOG = `Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]`;

const ANSWER_REQUEST = `<![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>`;

/** UAC: INVITE (PCMU only) → ACK → INFO Signal=5 → answer the gateway's INFO → answer its BYE. */
const SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="uac_info_dtmf">
  <send retrans="500">
    <![CDATA[

      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:sipp@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200"/>
  <send>
    <![CDATA[

      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      ${HEADERS_IN_DIALOG}
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="300"/>
  <send retrans="500">
    <![CDATA[

      INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      ${HEADERS_IN_DIALOG}
      CSeq: 2 INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=5
      Duration=160

    ]]>
  </send>
  <recv response="200"/>
  <recv request="INFO"/>
  <send>
    ${ANSWER_REQUEST}
  </send>
  <recv request="BYE"/>
  <send>
    ${ANSWER_REQUEST}
  </send>
</scenario>
`;

test.skipIf(skip)(
  "INFO dtmf-relay from sipp becomes call.dtmf; REST DTMF without telephone-event goes out as INFO Signal=7",
  async () => {
    const app: FakeApp = startFakeApp();
    const [sipPort, sippPort, media, control] = (await freePorts(4)) as [number, number, number, number];
    const system = await startCallSystem(app, sipPort);
    const scenario = join(dir, "uac_info_dtmf.xml");
    const messages = join(dir, "uac_info_dtmf-messages.log");
    writeFileSync(scenario, SCENARIO);
    const sipp = spawnPeer({
      name: "sipp-info",
      cmd: [
        "sipp",
        ...["-sf", scenario, "-t", "u1", "-i", "127.0.0.1", "-p", String(sippPort)],
        ...["-mi", "127.0.0.1", "-mp", String(media), "-cp", String(control), "-nostdin", "-m", "1"],
        ...["-timeout", "15", "-timeout_error", "-trace_msg", "-message_file", messages],
        ...["-s", "ivr", `127.0.0.1:${sipPort}`],
      ],
      dir,
    });
    try {
      const callId = (await app.waitForIncoming(1, 5000)).body.call_id;
      const dtmf = await app.waitForEvent((e) => e.call_id === callId && e.event === "call.dtmf", 5000);
      expect(dtmf.digit).toBe("5");
      const sent = await system.manager.sendDtmf(callId, "7");
      expect(sent.ok).toBe(true);
      expect(system.manager.hangup(callId).ok).toBe(true);
      const code = await waitExit(sipp, 10_000);
      const log = readFileSync(messages, "utf8");
      expect(log).toContain("Signal=7\r\nDuration=100");
      expect(log).toMatch(/Content-Type: application\/dtmf-relay/i);
      expect(code).toBe(0);
      expect(app.eventsOf(callId).filter((e) => e.event === "call.dtmf").length).toBe(1);
    } finally {
      await sipp.stop();
      system.manager.shutdown();
      await system.stack?.stop();
      system.media?.close();
      await app.stop();
    }
  },
  30_000,
);
