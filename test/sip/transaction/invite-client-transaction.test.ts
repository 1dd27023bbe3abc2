import { describe, expect, test } from "bun:test";
import { getCSeq, getHeader, getHeaders, type SipRequest } from "../../../src/sip/message/index.ts";
import {
  createInviteClient,
  type InviteClientInput,
  type InviteClientState,
  stepInviteClient,
} from "../../../src/sip/transaction/index.ts";
import { Driver } from "./driver.ts";
import { request, response } from "./messages.ts";

const invite = request({ method: "INVITE", extra: ["Route: <sip:p1.example.com;lr>"] });

function start(reliable: boolean, timers?: { T1?: number }) {
  return new Driver<InviteClientState, InviteClientInput>(
    stepInviteClient,
    createInviteClient(invite, { reliable, ...(timers ? { timers } : {}) }, 0),
  );
}

describe("INVITE client transaction (RFC 3261 §17.1.1, RFC 6026)", () => {
  test("retransmits the INVITE at 0.5, 1, 2, 4, 8, 16 s intervals until Timer B at 64·T1 reports a timeout", () => {
    const d = start(false);
    d.advanceTo(40_000);
    expect(d.sentTimes()).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(d.tu).toEqual([{ at: 32_000, action: { type: "timeout", timer: "B" } }]);
    expect(d.terminatedAt).toBe(32_000);
    expect(d.state.name).toBe("terminated");
  });

  test("scales Timer A and B with a configured T1", () => {
    const d = start(false, { T1: 100 });
    d.advanceTo(10_000);
    expect(d.sentTimes()).toEqual([0, 100, 300, 700, 1500, 3100, 6300]);
    expect(d.terminatedAt).toBe(6400);
  });

  test("sends the INVITE once on a reliable transport and still times out with Timer B", () => {
    const d = start(true);
    d.advanceTo(40_000);
    expect(d.sentTimes()).toEqual([0]);
    expect(d.terminatedAt).toBe(32_000);
  });

  test("a provisional stops retransmission and Timer B; the response goes to the TU", () => {
    const d = start(false);
    d.advanceTo(600);
    d.feed({ type: "response", response: response(invite, 180, "b1") });
    expect([...d.timers.keys()]).toEqual([]); // A and B are cancelled, not merely ignored
    d.advanceTo(100_000);
    expect(d.sentTimes()).toEqual([0, 500]);
    expect(d.state.name).toBe("proceeding");
    expect(d.terminatedAt).toBeUndefined();
    expect(d.tu.map((t) => t.action.type)).toEqual(["response-to-tu"]);
  });

  test("a 2xx moves to Accepted, and 2xx retransmissions during Timer M go to the TU (RFC 6026 §8.4)", () => {
    const d = start(false);
    d.feed({ type: "response", response: response(invite, 100) });
    d.now = 1000;
    const ok = response(invite, 200, "b1");
    d.feed({ type: "response", response: ok });
    expect(d.state.name).toBe("accepted");
    d.now = 1500;
    d.feed({ type: "response", response: ok });
    d.feed({ type: "response", response: response(invite, 486, "b2") });
    expect(d.tu.filter((t) => t.action.type === "response-to-tu").length).toBe(3);
    expect(d.sent.length).toBe(1); // the core ACKs 2xx; the transaction never does
    d.advanceTo(1000 + 32_000 - 1);
    expect(d.state.name).toBe("accepted");
    d.advanceTo(1000 + 32_000);
    expect(d.terminatedAt).toBe(33_000);
  });

  test("a 300-699 final is ACKed in the same transaction and the ACK is resent for its retransmissions (§17.1.1.3)", () => {
    const d = start(false);
    d.advanceTo(700);
    const busy = response(invite, 486, "b9");
    d.feed({ type: "response", response: busy });
    d.feed({ type: "response", response: busy });
    const acks = d.sent.slice(2).map((s) => s.action.message as SipRequest);
    expect(acks.length).toBe(2);
    const ack = acks[0]!;
    expect(ack.method).toBe("ACK");
    expect(ack.uri).toBe(invite.uri);
    expect(getHeaders(ack, "via")).toEqual([getHeader(invite, "via")!]);
    expect(getHeader(ack, "to")).toContain("tag=b9");
    expect(getHeader(ack, "from")).toBe(getHeader(invite, "from"));
    expect(getHeader(ack, "call-id")).toBe(getHeader(invite, "call-id"));
    expect(getCSeq(ack)).toEqual({ seq: getCSeq(invite)!.seq, method: "ACK" });
    expect(getHeaders(ack, "route")).toEqual(["<sip:p1.example.com;lr>"]);
    // Only the first 486 reaches the TU.
    expect(d.tu.filter((t) => t.action.type === "response-to-tu").length).toBe(1);
  });

  test("Completed waits Timer D = 32 s on UDP, then terminates", () => {
    const d = start(false);
    d.now = 100;
    d.feed({ type: "response", response: response(invite, 603, "x") });
    expect(d.state.name).toBe("completed");
    d.advanceTo(32_099);
    expect(d.state.name).toBe("completed");
    d.advanceTo(32_100);
    expect(d.terminatedAt).toBe(32_100);
  });

  test("on a reliable transport Timer D is zero: the non-2xx final terminates at once after the ACK", () => {
    const d = start(true);
    d.feed({ type: "response", response: response(invite, 404, "x") });
    expect(d.sent.map((s) => (s.action.message.kind === "request" ? s.action.message.method : ""))).toEqual([
      "INVITE",
      "ACK",
    ]);
    expect(d.terminatedAt).toBe(0);
  });

  test("a transport error in Calling tells the TU and terminates (§17.1.4)", () => {
    const d = start(false);
    d.feed({ type: "transport-error" });
    expect(d.tu.map((t) => t.action.type)).toEqual(["transport-error"]);
    expect(d.terminatedAt).toBe(0);
    d.advanceTo(5000);
    expect(d.sent.length).toBe(1);
  });
});
