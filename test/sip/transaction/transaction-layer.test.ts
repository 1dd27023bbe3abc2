import { describe, expect, test } from "bun:test";
import {
  type Transaction,
  TransactionLayer,
  type TransactionUser,
} from "../../../src/sip/transaction/index.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { request, response } from "./messages.ts";

function layer(max?: number) {
  const clock = new ManualClock();
  const sent: string[] = [];
  const seen: string[] = [];
  const serverTxs: Transaction<string>[] = [];
  const tu: TransactionUser<string> = {
    onRequest: (r, tx) => {
      seen.push(`request ${r.method}`);
      serverTxs.push(tx);
    },
    onAck: () => seen.push("ack"),
    onResponse: (r) => seen.push(`response ${r.status}`),
    onTimeout: (_tx, t) => seen.push(`timeout ${t}`),
    onTransportError: () => seen.push("transport-error"),
    onTerminated: (tx) => seen.push(`terminated ${tx.kind}`),
  };
  const l = new TransactionLayer<string>({
    clock,
    timers: clock,
    tu,
    send: (m) => sent.push(m.kind === "request" ? m.method : String(m.status)),
    ...(max !== undefined ? { maxTransactions: max } : {}),
  });
  return { clock, sent, seen, serverTxs, l };
}

describe("TransactionLayer", () => {
  test("refuses a client request without a magic-cookie branch, an ACK, or a duplicate branch", () => {
    const { l } = layer();
    expect(l.sendRequest(request({ method: "OPTIONS", branch: "nocookie" }), "x", false).ok).toBe(false);
    expect(l.sendRequest(request({ method: "ACK", branch: "z9hG4bKa" }), "x", false).ok).toBe(false);
    expect(l.sendRequest(request({ method: "OPTIONS", branch: "z9hG4bKa" }), "x", false).ok).toBe(true);
    expect(l.sendRequest(request({ method: "OPTIONS", branch: "z9hG4bKa" }), "x", false).ok).toBe(false);
  });

  test("an ACK that matches no transaction goes to the core as the ACK for a 2xx", () => {
    const { l, seen } = layer();
    expect(l.receiveRequest(request({ method: "ACK", toTag: "t" }), "peer", false)).toBe("ack-to-tu");
    expect(seen).toEqual(["ack"]);
    expect(l.size).toBe(0);
  });

  test("a retransmitted request is matched to its server transaction and not passed up again", () => {
    const { l, seen } = layer();
    const opt = request({ method: "OPTIONS" });
    expect(l.receiveRequest(opt, "peer", false)).toBe("new-transaction");
    expect(l.receiveRequest(opt, "peer", false)).toBe("matched-transaction");
    expect(seen).toEqual(["request OPTIONS"]);
  });

  test("a request without Via or CSeq is invalid and creates nothing", () => {
    const { l } = layer();
    const bad = request({ method: "OPTIONS" });
    bad.headers = bad.headers.filter((h) => h.name !== "CSeq");
    expect(l.receiveRequest(bad, "peer", false)).toBe("invalid");
    expect(l.size).toBe(0);
  });

  test("refuses new server transactions when the table is full", () => {
    const { l } = layer(1);
    expect(l.receiveRequest(request({ method: "OPTIONS", branch: "z9hG4bK1" }), "p", false)).toBe(
      "new-transaction",
    );
    expect(l.receiveRequest(request({ method: "OPTIONS", branch: "z9hG4bK2" }), "p", false)).toBe(
      "overloaded",
    );
  });

  test("respond returns false once the server transaction has terminated", () => {
    const { l, sent, serverTxs } = layer();
    const opt = request({ method: "OPTIONS" });
    l.receiveRequest(opt, "peer", true);
    const tx = serverTxs[0]!;
    expect(l.respond(tx, response(opt, 200))).toBe(true); // reliable: Timer J = 0 ends it
    expect(l.respond(tx, response(opt, 500))).toBe(false);
    expect(sent).toEqual(["200"]);
  });

  test("close stops every timer: nothing is retransmitted afterwards", () => {
    const { l, clock, sent } = layer();
    l.sendRequest(request({ method: "INVITE", branch: "z9hG4bKc" }), "x", false);
    l.close();
    clock.advance(60_000);
    expect(sent).toEqual(["INVITE"]);
    expect(clock.pending).toBe(0);
  });

  test("terminated transactions are reported and removed, and their timers cleared", () => {
    const { l, clock, seen } = layer();
    const bye = request({ method: "BYE", branch: "z9hG4bKd" });
    expect(l.sendRequest(bye, "x", false).ok).toBe(true);
    l.receiveResponse(response(bye, 200));
    clock.advance(5000); // Timer K
    expect(seen).toEqual(["response 200", "terminated non-invite-client"]);
    expect(l.size).toBe(0);
    expect(clock.pending).toBe(0);
  });
});
