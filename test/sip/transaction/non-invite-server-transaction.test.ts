import { describe, expect, test } from "bun:test";
import {
  createNonInviteServer,
  type NonInviteServerInput,
  type NonInviteServerState,
  stepNonInviteServer,
} from "../../../src/sip/transaction/index.ts";
import { Driver } from "./driver.ts";
import { request, response } from "./messages.ts";

const options = request({ method: "OPTIONS" });

function start(reliable: boolean) {
  return new Driver<NonInviteServerState, NonInviteServerInput>(
    stepNonInviteServer,
    createNonInviteServer(options, { reliable }),
  );
}

describe("non-INVITE server transaction (RFC 3261 §17.2.2)", () => {
  test("passes the request to the TU and absorbs retransmissions while Trying", () => {
    const d = start(false);
    d.feed({ type: "request", request: options });
    expect(d.tu.map((t) => t.action.type)).toEqual(["request-to-tu"]);
    expect(d.sent.length).toBe(0);
  });

  test("resends the last provisional in Proceeding and the final in Completed for each retransmission", () => {
    const d = start(false);
    d.feed({ type: "respond", response: response(options, 100) });
    d.feed({ type: "request", request: options });
    d.feed({ type: "respond", response: response(options, 200, "t") });
    d.feed({ type: "request", request: options });
    d.feed({ type: "respond", response: response(options, 500, "t") }); // ignored after the final
    const statuses = d.sent.map((s) => (s.action.message.kind === "response" ? s.action.message.status : 0));
    expect(statuses).toEqual([100, 100, 200, 200]);
  });

  test("Completed lasts Timer J = 64·T1 on UDP", () => {
    const d = start(false);
    d.now = 10;
    d.feed({ type: "respond", response: response(options, 200, "t") });
    d.advanceTo(32_009);
    expect(d.state.name).toBe("completed");
    d.advanceTo(32_010);
    expect(d.terminatedAt).toBe(32_010);
  });

  test("Timer J is zero on a reliable transport", () => {
    const d = start(true);
    d.feed({ type: "respond", response: response(options, 200, "t") });
    expect(d.terminatedAt).toBe(0);
  });

  test("a transport error tells the TU and terminates (§17.2.4)", () => {
    const d = start(false);
    d.feed({ type: "respond", response: response(options, 200, "t") });
    d.feed({ type: "transport-error" });
    expect(d.tu.at(-1)?.action.type).toBe("transport-error");
    expect(d.terminatedAt).toBe(0);
  });
});
