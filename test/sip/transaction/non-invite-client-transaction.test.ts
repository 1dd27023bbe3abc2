import { describe, expect, test } from "bun:test";
import {
  createNonInviteClient,
  type NonInviteClientInput,
  type NonInviteClientState,
  stepNonInviteClient,
} from "../../../src/sip/transaction/index.ts";
import { Driver } from "./driver.ts";
import { request, response } from "./messages.ts";

const bye = request({ method: "BYE", toTag: "b1", cseq: 2 });

function start(reliable: boolean) {
  return new Driver<NonInviteClientState, NonInviteClientInput>(
    stepNonInviteClient,
    createNonInviteClient(bye, { reliable }, 0),
  );
}

describe("non-INVITE client transaction (RFC 3261 §17.1.2)", () => {
  test("Timer E doubles from T1 and is capped at T2 = 4 s; Timer F reports a timeout at 64·T1", () => {
    const d = start(false);
    d.advanceTo(40_000);
    // Intervals 0.5, 1, 2, 4, 4, 4 … s.
    expect(d.sentTimes()).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(d.tu).toEqual([{ at: 32_000, action: { type: "timeout", timer: "F" } }]);
    expect(d.terminatedAt).toBe(32_000);
  });

  test("in Proceeding Timer E is reset to T2 for every retransmission", () => {
    const d = start(false);
    d.advanceTo(600); // sends at 0 and 500, next E due at 1500
    d.feed({ type: "response", response: response(bye, 100) });
    d.advanceTo(12_000);
    expect(d.state.name).toBe("proceeding");
    expect(d.sentTimes()).toEqual([0, 500, 1500, 5500, 9500]);
  });

  test("never retransmits on a reliable transport, and Timer K is zero", () => {
    const d = start(true);
    d.advanceTo(20_000);
    expect(d.sentTimes()).toEqual([0]);
    d.feed({ type: "response", response: response(bye, 200) });
    expect(d.terminatedAt).toBe(20_000);
  });

  test("a final response goes to the TU once; Completed absorbs retransmissions until Timer K = T4", () => {
    const d = start(false);
    d.now = 200;
    const ok = response(bye, 200);
    d.feed({ type: "response", response: ok });
    d.feed({ type: "response", response: ok });
    expect(d.tu.filter((t) => t.action.type === "response-to-tu").length).toBe(1);
    expect(d.state.name).toBe("completed");
    d.advanceTo(5199);
    expect(d.state.name).toBe("completed");
    expect(d.sentTimes()).toEqual([0]);
    d.advanceTo(5200);
    expect(d.terminatedAt).toBe(5200);
  });

  test("a transport error ends the transaction and stops retransmissions (§17.1.4)", () => {
    const d = start(false);
    d.advanceTo(600);
    d.feed({ type: "transport-error" });
    d.advanceTo(40_000);
    expect(d.sentTimes()).toEqual([0, 500]);
    expect(d.tu.map((t) => t.action.type)).toEqual(["transport-error"]);
  });
});
