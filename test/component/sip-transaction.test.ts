/**
 * Transaction layers over a lossy fake network with a manual clock: the retransmission
 * schedules of RFC 3261 §17 (Timers A, E, G), recovery of lost messages, Timer B/F/H/J
 * expiry, and no retransmission on reliable transports.
 */
import { describe, expect, test } from "bun:test";
import { request, response } from "../sip/transaction/messages.ts";
import { createPair, whats } from "../sip/transaction/pair.ts";

const invite = request({ method: "INVITE", branch: "z9hG4bKinv1" });
const bye = request({ method: "BYE", branch: "z9hG4bKbye1", toTag: "b1", cseq: 2 });

describe("transactions over a lossy network (RFC 3261 §17)", () => {
  test("an unanswered INVITE is sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s and Timer B times out at 32 s", () => {
    const { clock, net, alice } = createPair();
    net.drop((p) => p.summary === "INVITE", Infinity);
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(40_000);
    expect(net.times("alice", "INVITE")).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(alice.events.map((e) => [e.at, e.what])).toEqual([[32_000, "timeout B"]]);
    expect(alice.layer.size).toBe(0);
  });

  test("an unanswered BYE is retransmitted with Timer E doubling to T2 and Timer F times out at 32 s", () => {
    const { clock, net, alice } = createPair();
    net.drop((p) => p.summary === "BYE", Infinity);
    alice.layer.sendRequest(bye, "bob", false);
    clock.advance(40_000);
    expect(net.times("alice", "BYE")).toEqual([
      0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500,
    ]);
    expect(whats(alice)).toEqual(["timeout F"]);
  });

  test("a lost 200 to a BYE is recovered: the retransmitted BYE makes bob's Completed transaction resend it", () => {
    const { clock, net, alice, bob } = createPair();
    bob.onRequest = (req, tx) => bob.layer.respond(tx, response(req, 200));
    net.drop((p) => p.summary === "200 BYE");
    alice.layer.sendRequest(bye, "bob", false);
    clock.advance(2000);
    expect(net.times("alice", "BYE")).toEqual([0, 500]);
    expect(net.times("bob", "200 BYE")).toEqual([10, 510]);
    expect(alice.events.map((e) => [e.at, e.what])).toEqual([[520, "response 200 BYE"]]);
    expect(whats(bob)).toEqual(["request BYE"]); // the retransmission never reaches bob's TU
  });

  test("a lost 486 is recovered by Timer G (0.5, 1 s) and the ACK stops it; both sides end", () => {
    const { clock, net, alice, bob } = createPair();
    bob.onRequest = (req, tx) => bob.layer.respond(tx, response(req, 486, "b1"));
    net.drop((p) => p.summary === "486 INVITE", 2);
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(3000);
    expect(net.times("bob", "100 INVITE")).toEqual([10]);
    expect(net.times("bob", "486 INVITE")).toEqual([10, 510, 1510]);
    expect(net.times("alice", "INVITE")).toEqual([0]); // the 100 stopped Timer A
    expect(net.times("alice", "ACK")).toEqual([1520]);
    expect(whats(alice)).toEqual(["response 100 INVITE", "response 486 INVITE"]);
    expect(bob.layer.size).toBe(1); // Confirmed, waiting Timer I
    clock.advance(5000);
    expect(bob.layer.size).toBe(0);
    clock.advance(30_000); // alice's Timer D
    expect(alice.layer.size).toBe(0);
  });

  test("when every ACK is lost bob resends the 486 until Timer H reports a timeout at 64·T1", () => {
    const { clock, net, alice, bob } = createPair();
    bob.onRequest = (req, tx) => bob.layer.respond(tx, response(req, 486, "b1"));
    net.drop((p) => p.summary === "ACK", Infinity);
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(40_000);
    const sent = net.times("bob", "486 INVITE");
    expect(sent).toEqual([10, 510, 1510, 3510, 7510, 11510, 15510, 19510, 23510, 27510, 31510]);
    expect(bob.events.at(-1)).toMatchObject({ at: 32_010, what: "timeout H" });
    // alice answers each retransmission with the same ACK, from Completed (§17.1.1.2).
    expect(net.times("alice", "ACK").length).toBe(sent.length);
    expect(whats(alice).filter((w) => w === "response 486 INVITE").length).toBe(1);
  });

  test("bob's non-INVITE server transaction stays Completed for Timer J = 32 s, then is gone", () => {
    const { clock, alice, bob } = createPair();
    bob.onRequest = (req, tx) => bob.layer.respond(tx, response(req, 200));
    alice.layer.sendRequest(bye, "bob", false);
    clock.advance(32_009);
    expect(bob.layer.size).toBe(1);
    clock.advance(1);
    expect(bob.layer.size).toBe(0);
    expect(alice.layer.size).toBe(0); // Timer K = T4 ended alice's long before
  });

  test("on a reliable transport nothing is retransmitted and Timers D, I, J, K are zero", () => {
    const { clock, net, alice, bob } = createPair({ reliable: true });
    alice.layer.sendRequest(invite, "bob", true);
    clock.advance(40_000);
    expect(net.times("alice", "INVITE")).toEqual([0]);
    expect(whats(alice)).toEqual(["response 100 INVITE"]); // proceeding: no Timer B
    bob.onRequest = (req, tx) => bob.layer.respond(tx, response(req, 200));
    alice.layer.sendRequest(bye, "bob", true);
    clock.advance(20);
    expect(net.times("alice", "BYE")).toEqual([40_000]);
    // Bob's BYE transaction ended with its 200 (J = 0), alice's with the response (K = 0);
    // only the INVITE server transaction (still Proceeding) remains.
    expect(bob.layer.size).toBe(1);
    expect(alice.layer.size).toBe(1);
  });

  test("a transport failure reports an error to the TU and ends the client transaction (§17.1.4)", () => {
    const { clock, alice } = createPair();
    alice.failSends = true;
    alice.layer.sendRequest(bye, "bob", false);
    clock.advance(40_000);
    expect(whats(alice)).toEqual(["transport-error"]);
    expect(alice.layer.size).toBe(0);
  });
});
