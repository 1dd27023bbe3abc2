/**
 * REST hold and resume through the REAL gateway process against a real softphone (rest-api.md
 * §3 hold/resume, sip.md §7, webhooks.md §3 call.hold/call.resumed): baresip (answers
 * re-INVITEs itself) calls the gateway's trunk host, the fake app accepts, and the test drives
 * `POST /v1/calls/{id}/hold|resume` over HTTP. tshark captures the SIP on the gateway's port so
 * the test reads the wire: our re-INVITE offers `a=sendonly` with the call's codecs and
 * baresip answers `a=recvonly`; resume offers `a=sendrecv` and gets `a=sendrecv`. A second hold
 * (or resume) is a 200 no-op with no re-INVITE and no event; an unknown call is 404.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { type Baresip, startBaresip } from "../support/baresip.ts";
import { freePorts, makeTempDir, skipWithout } from "../support/peers.ts";
import { type Capture, capturedDatagrams, startCapture } from "../support/sipp-media.ts";

const skip = skipWithout("baresip", "tshark");
/** tshark writes captured packets in batches: give it this long before stopping it. */
const CAPTURE_SETTLE_MS = 500;

interface SipMessage {
  readonly fromGateway: boolean;
  readonly startLine: string;
  readonly cseq: string;
  readonly body: string;
}

function parseSip(payload: Uint8Array, fromGateway: boolean): SipMessage | undefined {
  const text = new TextDecoder().decode(payload);
  const split = text.indexOf("\r\n\r\n");
  if (split < 0) return undefined;
  const head = text.slice(0, split).split("\r\n");
  const cseq = head.find((l) => /^cseq\s*:/i.test(l))?.replace(/^cseq\s*:\s*/i, "") ?? "";
  return { fromGateway, startLine: head[0] ?? "", cseq, body: text.slice(split + 4) };
}

/** The `a=` direction attribute of an SDP body (RFC 3264 §5.1; sendrecv when absent). */
function direction(sdp: string): string {
  return sdp.match(/^a=(sendonly|recvonly|sendrecv|inactive)\r?$/m)?.[1] ?? "sendrecv";
}

/** The session version of the `o=` line (RFC 4566 §5.2). */
function sessionVersion(sdp: string): number {
  return Number(sdp.match(/^o=\S+ \S+ (\d+) /m)?.[1] ?? Number.NaN);
}

/** The format list of the first `m=audio` line. */
function audioFormats(sdp: string): string {
  return sdp.match(/^m=audio \d+ [^ ]+ (.*?)\r?$/m)?.[1] ?? "";
}

describe.skipIf(skip)("REST hold/resume through the gateway process, baresip caller", () => {
  let rig: CallRig;
  let bs: Baresip;
  let capture: Capture;
  let callId = "";

  beforeAll(async () => {
    rig = await startCallRig();
    capture = await startCapture(makeTempDir("control-hold-cap"), "sip", `udp port ${rig.sipPort}`);
    const [bsSip, ctrlPort, rtpBase] = await freePorts(3);
    bs = await startBaresip({
      dir: makeTempDir("control-hold-baresip"),
      sipPort: bsSip!,
      ctrlPort: ctrlPort!,
      rtpPorts: [rtpBase!, rtpBase! + 9],
      codecs: ["pcmu"],
      toneSeconds: 30,
    });
    await bs.ctrl.command("dial", `sip:ivr@127.0.0.1:${rig.sipPort}`);
    callId = (await rig.app.waitForIncoming(1, 5000)).body.call_id;
    await bs.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
    await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.answered", 5000);
  }, 15_000);

  afterAll(async () => {
    await capture?.stop();
    await bs?.stop();
    await rig?.stop();
  });

  async function control(action: "hold" | "resume", id = callId) {
    const res = await rig.api(`/v1/calls/${id}/${action}`, { method: "POST" });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  function controlEvents(): string[] {
    return rig.app
      .eventsOf(callId)
      .filter((e) => e.event === "call.hold" || e.event === "call.resumed")
      .map((e) => `${e.event}:${String(e.by)}`);
  }

  test("hold → 200 on_hold and call.hold {by: local} after a sendonly re-INVITE that baresip answers recvonly; hold again is a 200 no-op; resume → sendrecv both ways and call.resumed {by: local}; resume again is a no-op", async () => {
    const held = await control("hold");
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ call_id: callId, status: "on_hold" });
    await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.hold", 3000, "call.hold");
    expect(((await (await rig.api(`/v1/calls/${callId}`)).json()) as { status: string }).status).toBe(
      "on_hold",
    );

    const again = await control("hold");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ call_id: callId, status: "on_hold" });

    const resumed = await control("resume");
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ call_id: callId, status: "in_progress" });
    await rig.app.waitForEvent(
      (e) => e.call_id === callId && e.event === "call.resumed",
      3000,
      "call.resumed",
    );
    const resumedAgain = await control("resume");
    expect(resumedAgain.status).toBe(200);
    expect(resumedAgain.body).toMatchObject({ call_id: callId, status: "in_progress" });

    // Late duplicates would show up here.
    await Bun.sleep(CAPTURE_SETTLE_MS);
    expect(controlEvents()).toEqual(["call.hold:local", "call.resumed:local"]);
    await capture.stop();

    const sip = capturedDatagrams(capture.path)
      .map((d) => parseSip(d.payload, d.srcPort === rig.sipPort))
      .filter((m): m is SipMessage => m !== undefined);
    const initialAnswer = sip.find(
      (m) => m.fromGateway && m.startLine.startsWith("SIP/2.0 200") && /INVITE/.test(m.cseq),
    );
    expect(initialAnswer?.body).toContain("m=audio");
    const reInvites = sip.filter((m) => m.fromGateway && m.startLine.startsWith("INVITE "));
    const trace = sip.map((m) => `${m.fromGateway ? "gw→" : "→gw"} ${m.startLine} [${m.cseq}]`).join("\n");
    // Exactly two: the second hold and the second resume put nothing on the wire.
    expect(
      reInvites.map((m) => direction(m.body)),
      trace,
    ).toEqual(["sendonly", "sendrecv"]);
    for (const offer of reInvites) {
      // sip.md §7: "same codecs" as the call already has.
      expect(audioFormats(offer.body)).toBe(audioFormats(initialAnswer!.body));
      const answer = sip.find(
        (m) => !m.fromGateway && m.startLine.startsWith("SIP/2.0 200") && m.cseq === offer.cseq,
      );
      expect(answer, trace).toBeDefined();
      expect(direction(answer!.body)).toBe(direction(offer.body) === "sendonly" ? "recvonly" : "sendrecv");
      // And the gateway ACKed each 2xx (RFC 3261 §13.2.2.4).
      const number = offer.cseq.split(/\s+/)[0];
      expect(
        sip.some((m) => m.fromGateway && m.startLine.startsWith("ACK ") && m.cseq === `${number} ACK`),
      ).toBe(true);
    }
    // RFC 3264 §8: each new offer of the session increments the o= version by one.
    expect(reInvites.map((m) => sessionVersion(m.body))).toEqual([
      sessionVersion(initialAnswer!.body) + 1,
      sessionVersion(initialAnswer!.body) + 2,
    ]);
    // baresip saw both re-INVITEs as SDP offers.
    const offers = bs.ctrl.messages.filter(
      (m) => m.event && m.type === "CALL_REMOTE_SDP" && m.param === "offer",
    );
    expect(offers.length).toBeGreaterThanOrEqual(2);
  }, 20_000);

  test("hold and resume on an unknown call answer 404 not_found", async () => {
    for (const action of ["hold", "resume"] as const) {
      const r = await control(action, "CA00000000000000000000000000000000");
      expect(r.status).toBe(404);
      expect(r.body.error).toBe("not_found");
    }
  });
});
