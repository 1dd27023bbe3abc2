import { describe, expect, test } from "bun:test";
import {
  BRANCH_COOKIE,
  clientKeyOfRequest,
  clientKeyOfResponse,
  newBranch,
  serverKey,
} from "../../../src/sip/transaction/index.ts";
import { seededRandom } from "../../support/seeded-random.ts";
import { request, response } from "./messages.ts";

describe("transaction matching (RFC 3261 §17.1.3, §17.2.3, §9.2)", () => {
  test("new branches carry the z9hG4bK magic cookie and differ each time", () => {
    const random = seededRandom(7);
    const a = newBranch(random);
    const b = newBranch(random);
    expect(a.startsWith(BRANCH_COOKIE)).toBe(true);
    expect(a).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });

  test("a response matches its client transaction by branch and CSeq method, so a CANCEL's 200 is kept apart", () => {
    const invite = request({ method: "INVITE", branch: "z9hG4bKabc" });
    const cancel = request({ method: "CANCEL", branch: "z9hG4bKabc" });
    expect(clientKeyOfResponse(response(invite, 180))).toBe(clientKeyOfRequest(invite));
    expect(clientKeyOfResponse(response(cancel, 200))).toBe(clientKeyOfRequest(cancel));
    expect(clientKeyOfRequest(cancel)).not.toBe(clientKeyOfRequest(invite));
  });

  test("an ACK for a non-2xx matches the INVITE server transaction; a CANCEL does not, unless looked up as INVITE", () => {
    const invite = request({ method: "INVITE", branch: "z9hG4bKx1" });
    const ack = request({ method: "ACK", branch: "z9hG4bKx1", toTag: "t" });
    const cancel = request({ method: "CANCEL", branch: "z9hG4bKx1" });
    expect(serverKey(ack)).toBe(serverKey(invite));
    expect(serverKey(cancel)).not.toBe(serverKey(invite));
    expect(serverKey(cancel, "INVITE")).toBe(serverKey(invite));
  });

  test("the same branch from a different sent-by is a different server transaction", () => {
    const a = request({ method: "OPTIONS", branch: "z9hG4bKsame", sentBy: "10.0.0.1:5060" });
    const b = request({ method: "OPTIONS", branch: "z9hG4bKsame", sentBy: "10.0.0.2:5060" });
    expect(serverKey(a)).not.toBe(serverKey(b));
  });

  test("sent-by without a port equals the default port 5060", () => {
    const a = request({ method: "OPTIONS", branch: "z9hG4bKp", sentBy: "Host.example.com" });
    const b = request({ method: "OPTIONS", branch: "z9hG4bKp", sentBy: "host.example.com:5060" });
    expect(serverKey(a)).toBe(serverKey(b));
  });

  test("RFC 2543 requests without the cookie match on Request-URI, From tag, Call-ID, CSeq number and Via", () => {
    const invite = request({ method: "INVITE", branch: "oldstyle1" });
    const ack = request({ method: "ACK", branch: "oldstyle1", toTag: "t" });
    const other = request({ method: "INVITE", branch: "oldstyle1", cseq: 2 });
    expect(serverKey(ack)).toBe(serverKey(invite));
    expect(serverKey(other)).not.toBe(serverKey(invite));
  });
});
