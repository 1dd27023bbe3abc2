/**
 * Property: whatever packets the network loses (fast-check picks a loss pattern per packet
 * index), the transaction layers keep RFC 3261 §17's promises — the TU sees at most one final
 * response per client transaction, a client either gets its final or a Timer B/F timeout, and
 * every transaction on both sides ends within 64·T1 plus the longest wait timer — given a UAS
 * core that retransmits its 2xx (a lost 2xx after a 1xx is otherwise never recovered: the
 * INVITE client transaction has no timer in Proceeding, §17.1.1.2).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { request, response } from "../sip/transaction/messages.ts";
import { createPair, whats } from "../sip/transaction/pair.ts";

describe("transactions under arbitrary loss (RFC 3261 §17)", () => {
  test("each client transaction ends with exactly one final response or one timeout, and all state is released", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(180, 0),
        fc.constantFrom(200, 486),
        (lossMask, provisional, final) => {
          const { clock, net, alice, bob } = createPair({ sendTrying: false });
          let index = 0;
          // Packet n is lost when lossMask[n] is true; packets past the mask get through.
          net.drop(() => lossMask[index++] === true, Infinity);
          bob.onRequest = (req, tx) => {
            if (req.method === "INVITE" && provisional)
              bob.layer.respond(tx, response(req, provisional, "b1"));
            const answer = response(req, req.method === "INVITE" ? final : 200, "b1");
            bob.layer.respond(tx, answer);
            // A 2xx to INVITE is retransmitted by the UAS core, not the transaction (§13.3.1.4,
            // RFC 6026): intervals T1 doubling to T2 until 64·T1 (no ACK handling needed here).
            if (req.method === "INVITE" && final === 200) {
              for (let at = 500, step = 500; at < 32_000; step = Math.min(2 * step, 4000), at += step) {
                clock.setTimeout(() => bob.layer.respond(tx, answer), at);
              }
            }
          };
          alice.layer.sendRequest(request({ method: "INVITE", branch: "z9hG4bKp1" }), "bob", false);
          alice.layer.sendRequest(request({ method: "OPTIONS", branch: "z9hG4bKp2" }), "bob", false);
          clock.advance(70_000);
          const seen = whats(alice);
          const inviteEnds = seen.filter((w) => w === `response ${final} INVITE` || w === "timeout B");
          const optionsEnds = seen.filter((w) => w === "response 200 OPTIONS" || w === "timeout F");
          // A 2xx may legitimately arrive more than once (RFC 6026 Accepted); anything else once.
          if (final === 200) expect(inviteEnds.length).toBeGreaterThanOrEqual(1);
          else expect(inviteEnds.length).toBe(1);
          expect(optionsEnds.length).toBe(1);
          expect([alice.layer.size, bob.layer.size]).toEqual([0, 0]);
          expect(clock.pending).toBe(0);
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });
});
