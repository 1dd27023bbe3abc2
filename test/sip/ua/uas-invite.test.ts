import { describe, expect, test } from "bun:test";
import { utf8 } from "../../../src/lib/bytes.ts";
import { getHeader, getTag, parseMessage, type SipRequest } from "../../../src/sip/message/index.ts";
import {
  startUasInvite,
  type UasInviteAction,
  type UasInviteState,
  uasInviteStep,
} from "../../../src/sip/ua/uas-invite.ts";

const INVITE = parseMessage(
  "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKinv\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: uas-1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n",
);
if (!INVITE.ok || INVITE.value.kind !== "request") throw new Error("fixture");
const invite: SipRequest = INVITE.value;

function statuses(actions: UasInviteAction[]): number[] {
  return actions.flatMap((a) => (a.kind === "respond" ? [a.response.status] : []));
}

function accepted(): { state: UasInviteState; actions: UasInviteAction[] } {
  const s = startUasInvite(invite, "bt").state;
  return uasInviteStep(s, { kind: "accept", body: utf8("v=0\r\n"), contentType: "application/sdp" }, 0);
}

describe("UAS INVITE (RFC 3261 §13.3)", () => {
  test("answers 100 Trying at once, without a To tag", () => {
    const { actions } = startUasInvite(invite, "bt");
    expect(statuses(actions)).toEqual([100]);
    const r = actions[0];
    expect(r?.kind === "respond" && getTag(r.response, "to")).toBeUndefined();
  });

  test("sends 180 and then 200 with our To tag and the SDP, starting the 64*T1 ACK wait", () => {
    const start = startUasInvite(invite, "bt").state;
    const ringing = uasInviteStep(start, { kind: "provisional", status: 180 }, 0);
    const ok = uasInviteStep(
      ringing.state,
      { kind: "accept", body: utf8("v=0\r\n"), contentType: "application/sdp" },
      0,
    );
    expect(statuses([...ringing.actions, ...ok.actions])).toEqual([180, 200]);
    const r = ok.actions[0];
    if (r?.kind !== "respond") throw new Error("no response");
    expect(r.retransmission).toBe(false);
    expect(getTag(r.response, "to")).toBe("bt");
    expect(getHeader(r.response, "Content-Type")).toBe("application/sdp");
    expect(ok.actions).toContainEqual({ kind: "start-timer", timer: "give-up", delayMs: 32_000 });
    expect(ok.actions).toContainEqual({ kind: "start-timer", timer: "retransmit", delayMs: 500 });
  });

  test("retransmits the 2xx at 1 s, 2 s, then every T2 until ACK (§13.3.1.4)", () => {
    let s = accepted().state;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const step = uasInviteStep(s, { kind: "timer", timer: "retransmit" }, i);
      s = step.state;
      expect(
        step.actions.some((a) => a.kind === "respond" && a.retransmission && a.response.status === 200),
      ).toBe(true);
      for (const a of step.actions) if (a.kind === "start-timer") delays.push(a.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 4000, 4000]);
    const acked = uasInviteStep(s, { kind: "ack" }, 10);
    expect(acked.state.phase).toBe("confirmed");
    expect(acked.actions.every((a) => a.kind === "stop-timer")).toBe(true);
    expect(uasInviteStep(acked.state, { kind: "timer", timer: "retransmit" }, 11).actions).toEqual([]);
  });

  test("surfaces ack-timeout after 64*T1 without ACK", () => {
    const step = uasInviteStep(accepted().state, { kind: "timer", timer: "give-up" }, 32_000);
    expect(step.state.phase).toBe("terminated");
    expect(step.actions).toContainEqual({ kind: "ack-timeout" });
  });

  test("answers CANCEL of a pending INVITE with 487 (§9.2)", () => {
    const step = uasInviteStep(startUasInvite(invite, "bt").state, { kind: "cancel" }, 0);
    expect(statuses(step.actions)).toEqual([487]);
    expect(step.actions).toContainEqual({ kind: "cancelled" });
    expect(uasInviteStep(step.state, { kind: "accept" }, 0).actions).toEqual([]);
  });

  test("ignores CANCEL after the 200 went out", () => {
    expect(uasInviteStep(accepted().state, { kind: "cancel" }, 1).actions).toEqual([]);
  });

  test("rejects with the given status and refuses a second final response", () => {
    const step = uasInviteStep(startUasInvite(invite, "bt").state, { kind: "reject", status: 486 }, 0);
    expect(statuses(step.actions)).toEqual([486]);
    expect(uasInviteStep(step.state, { kind: "accept" }, 0).actions).toEqual([]);
  });
});
