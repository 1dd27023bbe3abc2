import { describe, expect, test } from "bun:test";
import {
  createInviteServer,
  type InviteServerInput,
  type InviteServerState,
  stepInviteServer,
} from "../../../src/sip/transaction/index.ts";
import { Driver } from "./driver.ts";
import { request, response } from "./messages.ts";

const invite = request({ method: "INVITE" });
const ack = request({ method: "ACK", toTag: "b1" });

function start(reliable: boolean, sendTrying = true) {
  return new Driver<InviteServerState, InviteServerInput>(
    stepInviteServer,
    createInviteServer(invite, { reliable, sendTrying }),
  );
}

function statuses(d: Driver<InviteServerState, InviteServerInput>): number[] {
  return d.sent.map((s) => (s.action.message.kind === "response" ? s.action.message.status : 0));
}

describe("INVITE server transaction (RFC 3261 §17.2.1, RFC 6026)", () => {
  test("sends 100 Trying and passes the INVITE to the TU; a retransmitted INVITE gets the latest provisional", () => {
    const d = start(false);
    expect(statuses(d)).toEqual([100]);
    expect(d.tu.map((t) => t.action.type)).toEqual(["request-to-tu"]);
    d.feed({ type: "request", request: invite });
    d.feed({ type: "respond", response: response(invite, 180, "b1") });
    d.feed({ type: "request", request: invite });
    expect(statuses(d)).toEqual([100, 100, 180, 180]);
    expect(d.tu.length).toBe(1);
  });

  test("without sendTrying it stays silent until the TU answers, and absorbs INVITE retransmissions", () => {
    const d = start(false, false);
    d.feed({ type: "request", request: invite });
    expect(d.sent.length).toBe(0);
  });

  test("retransmits a non-2xx final with Timer G doubling to T2 until Timer H = 64·T1 reports a timeout", () => {
    const d = start(false, false);
    d.feed({ type: "respond", response: response(invite, 486, "b1") });
    d.advanceTo(40_000);
    expect(d.sentTimes()).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(d.tu.at(-1)).toEqual({ at: 32_000, action: { type: "timeout", timer: "H" } });
    expect(d.terminatedAt).toBe(32_000);
  });

  test("the ACK stops Timer G, moves to Confirmed, and Timer I = T4 terminates", () => {
    const d = start(false, false);
    d.feed({ type: "respond", response: response(invite, 486, "b1") });
    d.advanceTo(1600);
    d.feed({ type: "request", request: ack });
    expect(d.state.name).toBe("confirmed");
    d.feed({ type: "request", request: ack }); // absorbed
    d.advanceTo(1600 + 4999);
    expect(d.state.name).toBe("confirmed");
    d.advanceTo(1600 + 5000);
    expect(d.terminatedAt).toBe(6600);
    expect(d.sentTimes()).toEqual([0, 500, 1500]);
    expect(d.tu.filter((t) => t.action.type === "timeout")).toEqual([]);
  });

  test("a retransmitted INVITE in Completed gets the final response again", () => {
    const d = start(false, false);
    d.feed({ type: "respond", response: response(invite, 603, "b1") });
    d.feed({ type: "request", request: invite });
    expect(statuses(d)).toEqual([603, 603]);
  });

  test("on a reliable transport there is no Timer G and Timer I is zero", () => {
    const d = start(true, false);
    d.feed({ type: "respond", response: response(invite, 486, "b1") });
    d.advanceTo(10_000);
    expect(d.sentTimes()).toEqual([0]);
    d.feed({ type: "request", request: ack });
    expect(d.terminatedAt).toBe(10_000);
  });

  test("a 2xx moves to Accepted: INVITE retransmissions are absorbed, ACKs go to the TU, the TU's 2xx retransmissions are sent, Timer L ends it", () => {
    const d = start(false, false);
    const ok = response(invite, 200, "b1");
    d.feed({ type: "respond", response: ok });
    expect(d.state.name).toBe("accepted");
    d.feed({ type: "request", request: invite });
    d.now = 500;
    d.feed({ type: "respond", response: ok });
    d.feed({ type: "request", request: ack });
    expect(statuses(d)).toEqual([200, 200]);
    expect(d.tu.map((t) => t.action.type)).toEqual(["request-to-tu", "request-to-tu"]);
    d.advanceTo(31_999);
    expect(d.state.name).toBe("accepted");
    d.advanceTo(32_000);
    expect(d.terminatedAt).toBe(32_000);
  });

  test("a transport error while sending a final tells the TU and terminates (§17.2.4)", () => {
    const d = start(false, false);
    d.feed({ type: "respond", response: response(invite, 500, "b1") });
    d.feed({ type: "transport-error" });
    expect(d.tu.at(-1)?.action.type).toBe("transport-error");
    expect(d.terminatedAt).toBe(0);
    d.advanceTo(10_000);
    expect(d.sent.length).toBe(1);
  });
});
