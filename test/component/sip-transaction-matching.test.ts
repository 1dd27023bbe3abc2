/**
 * Transaction matching end to end: CANCEL finds the INVITE server transaction (RFC 3261
 * §9.2), the ACK for a non-2xx stays in the INVITE transaction while the ACK for a 2xx goes to
 * the core (§17.2.3), RFC 6026 Accepted absorbs 2xx retransmissions, and the layers converge
 * when the network reorders packets.
 */
import { describe, expect, test } from "bun:test";
import { newBranch, type Transaction } from "../../src/sip/transaction/index.ts";
import { request, response } from "../sip/transaction/messages.ts";
import { createPair, whats } from "../sip/transaction/pair.ts";
import { seededRandom } from "../support/seeded-random.ts";

const invite = request({ method: "INVITE", branch: "z9hG4bKinv2" });

describe("transaction matching end to end (RFC 3261 §9.2, §17.2.3, RFC 6026)", () => {
  test("a CANCEL with the INVITE's branch finds the INVITE server transaction; 200 to CANCEL, 487 to INVITE, ACK absorbed", () => {
    const { clock, net, alice, bob } = createPair();
    let inviteTx: Transaction<string> | undefined;
    bob.onRequest = (req, tx) => {
      if (req.method === "INVITE") {
        inviteTx = tx;
        bob.layer.respond(tx, response(req, 180, "b1"));
      } else if (req.method === "CANCEL") {
        expect(tx.cancels).toBe(inviteTx);
        bob.layer.respond(tx, response(req, 200, "b1"));
        if (tx.cancels) bob.layer.respond(tx.cancels, response(tx.cancels.request, 487, "b1"));
      }
    };
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(100);
    alice.layer.sendRequest(request({ method: "CANCEL", branch: "z9hG4bKinv2" }), "bob", false);
    clock.advance(100);
    expect(whats(bob)).toEqual(["request INVITE", "request CANCEL"]);
    expect(whats(alice)).toEqual([
      "response 100 INVITE",
      "response 180 INVITE",
      "response 200 CANCEL",
      "response 487 INVITE",
    ]);
    expect(net.times("alice", "ACK")).toEqual([120]);
    expect(inviteTx?.state).toBe("confirmed"); // the ACK for the 487 matched it (§17.2.3)
    expect(whats(bob)).not.toContain("ack");
  });

  test("a CANCEL that matches no INVITE gets a transaction without a target, so the TU can answer 481", () => {
    const { clock, alice, bob } = createPair();
    let cancels: Transaction<string> | undefined | "unset" = "unset";
    bob.onRequest = (req, tx) => {
      cancels = tx.cancels;
      bob.layer.respond(tx, response(req, 481));
    };
    alice.layer.sendRequest(request({ method: "CANCEL", branch: "z9hG4bKnone" }), "bob", false);
    clock.advance(100);
    expect(cancels).toBeUndefined();
    expect(whats(alice)).toEqual(["response 481 CANCEL"]);
  });

  test("RFC 6026: alice's Accepted passes every 2xx retransmission to the TU; the ACK for 2xx (new branch) reaches bob's core", () => {
    const { clock, net, alice, bob } = createPair();
    const random = seededRandom(3);
    bob.onRequest = (req, tx) => {
      const ok = response(req, 200, "b1");
      bob.layer.respond(tx, ok);
      // The UAS core retransmits its 2xx through the Accepted transaction (§13.3.1.4).
      clock.setTimeout(() => bob.layer.respond(tx, ok), 500);
      clock.setTimeout(() => bob.layer.respond(tx, ok), 1500);
    };
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(2000);
    expect(net.times("bob", "200 INVITE")).toEqual([10, 510, 1510]);
    expect(whats(alice).filter((w) => w === "response 200 INVITE").length).toBe(3);
    expect(net.times("alice", "ACK")).toEqual([]); // the transaction never ACKs a 2xx
    // Alice's core sends the ACK in a new transaction-less request with a new branch.
    net.send("alice", "bob", request({ method: "ACK", branch: newBranch(random), toTag: "b1" }));
    clock.advance(20);
    expect(whats(bob)).toEqual(["request INVITE", "ack"]);
  });

  test("RFC 6026: bob's Accepted ends with Timer L, alice's with Timer M, after which a late 2xx matches nothing", () => {
    const { clock, alice, bob } = createPair();
    bob.onRequest = (req, tx) => bob.layer.respond(tx, response(req, 200, "b1"));
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(10 + 32_000 - 1);
    expect([alice.layer.size, bob.layer.size]).toEqual([1, 1]);
    clock.advance(1); // Timer L = 64·T1 from bob's 2xx at 10 ms
    expect([alice.layer.size, bob.layer.size]).toEqual([1, 0]);
    expect(alice.layer.receiveResponse(response(invite, 200, "b1"))).toBe(true);
    clock.advance(10); // Timer M = 64·T1 from the 2xx's arrival at 20 ms
    expect(alice.layer.size).toBe(0);
    expect(alice.layer.receiveResponse(response(invite, 200, "b1"))).toBe(false);
  });

  test("the INVITE retransmitted before bob answers is absorbed and does not reach bob's TU twice", () => {
    const { clock, net, alice, bob } = createPair({ sendTrying: false });
    let tx: Transaction<string> | undefined;
    bob.onRequest = (_req, t) => {
      tx = t;
    };
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(1000);
    expect(net.times("alice", "INVITE")).toEqual([0, 500]);
    expect(whats(bob)).toEqual(["request INVITE"]);
    bob.layer.respond(tx!, response(invite, 486, "b1"));
    clock.advance(100);
    expect(whats(alice)).toEqual(["response 486 INVITE"]);
  });

  test("under random reordering and delay, each final response reaches the TU exactly once and every transaction ends", () => {
    for (let seed = 1; seed <= 25; seed++) {
      const { clock, alice, bob } = createPair({ random: seededRandom(seed), jitterMs: 800 });
      bob.onRequest = (req, tx) => {
        if (req.method === "INVITE") bob.layer.respond(tx, response(req, 180, "b1"));
        bob.layer.respond(tx, response(req, req.method === "INVITE" ? 486 : 200, "b1"));
      };
      alice.layer.sendRequest(invite, "bob", false);
      alice.layer.sendRequest(request({ method: "OPTIONS", branch: `z9hG4bKopt${seed}` }), "bob", false);
      clock.advance(70_000);
      const finals = whats(alice).filter((w) => w === "response 486 INVITE" || w === "response 200 OPTIONS");
      expect({ seed, finals: finals.sort() }).toEqual({
        seed,
        finals: ["response 200 OPTIONS", "response 486 INVITE"],
      });
      expect({ seed, sizes: [alice.layer.size, bob.layer.size] }).toEqual({ seed, sizes: [0, 0] });
      expect(whats(alice).some((w) => w.startsWith("timeout"))).toBe(false);
    }
  });
});
