/**
 * Dialogs over the transaction layers and the lossy fake network: the UAS core retransmits
 * its 2xx until the ACK (RFC 3261 §13.3.1.4), the UAC core ACKs every 2xx with its own ACK
 * (§13.2.2.4), an ACK that never comes ends in an ack timeout and a BYE inside the dialog,
 * whose route set and CSeq follow §12.
 */
import { describe, expect, test } from "bun:test";
import type { TimerHandle } from "../../src/lib/clock.ts";
import {
  acceptRemoteCSeq,
  ackFor2xx,
  createInDialogRequest,
  createUacDialog,
  createUas2xxRetransmission,
  createUasDialog,
  type Dialog,
  dialogKeyOfRequest,
  keyOfDialog,
  stepUas2xxRetransmission,
  type Uas2xxAction,
  type Uas2xxState,
  type Uas2xxTimer,
} from "../../src/sip/dialog/index.ts";
import { createResponse, getCSeq, getHeaders, type SipRequest } from "../../src/sip/message/index.ts";
import { newBranch, type Transaction } from "../../src/sip/transaction/index.ts";
import { request } from "../sip/transaction/messages.ts";
import { createPair, whats } from "../sip/transaction/pair.ts";
import { seededRandom } from "../support/seeded-random.ts";

const invite = request({
  method: "INVITE",
  branch: "z9hG4bKdlg1",
  cseq: 100,
  extra: ["Record-Route: <sip:p2.example.com;lr>", "Record-Route: <sip:p1.example.com;lr>"],
});

/** Alice (UAC core) and Bob (UAS core) on top of the transaction pair. */
function call() {
  const pair = createPair();
  const { clock, net, alice, bob } = pair;
  const random = seededRandom(5);
  const state = {
    aliceDialog: undefined as Dialog | undefined,
    bobDialog: undefined as Dialog | undefined,
    retrans: undefined as Uas2xxState | undefined,
    ackTimeoutAt: undefined as number | undefined,
    byeResponses: [] as number[],
  };
  const handles = new Map<Uas2xxTimer, TimerHandle>();
  let inviteTx: Transaction<string> | undefined;

  const perform = (actions: Uas2xxAction[]) => {
    for (const a of actions) {
      if (a.type === "send" && inviteTx) bob.layer.respond(inviteTx, a.response);
      else if (a.type === "start-timer")
        handles.set(
          a.timer,
          clock.setTimeout(() => feed({ type: "timer", timer: a.timer }), a.ms),
        );
      else if (a.type === "stop-timer") {
        const h = handles.get(a.timer);
        if (h) clock.clearTimeout(h);
      } else if (a.type === "ack-timeout") {
        state.ackTimeoutAt = clock.now();
        hangUpFromBob();
      }
    }
  };
  const feed = (input: Parameters<typeof stepUas2xxRetransmission>[1]) => {
    if (!state.retrans) return;
    const s = stepUas2xxRetransmission(state.retrans, input, clock.now());
    state.retrans = s.state;
    perform(s.actions);
  };
  const hangUpFromBob = () => {
    if (!state.bobDialog) return;
    const via = `SIP/2.0/UDP bob.example.com;branch=${newBranch(random)}`;
    const { request: bye, dialog } = createInDialogRequest(state.bobDialog, "BYE", { random, via });
    state.bobDialog = dialog;
    bob.layer.sendRequest(bye, "alice", false);
  };

  bob.onRequest = (req, tx) => {
    if (req.method !== "INVITE") return;
    inviteTx = tx;
    const ok = createResponse(req, 200, undefined, {
      toTag: "bob1",
      headers: [{ name: "Contact", value: "<sip:bob@192.0.2.4>" }],
    });
    const d = createUasDialog(req, ok);
    if (d.ok) state.bobDialog = d.value;
    const first = createUas2xxRetransmission(ok, {}, clock.now());
    state.retrans = first.state;
    perform(first.actions);
  };
  bob.onAck = (ack) => {
    if (state.bobDialog && dialogKeyOfRequest(ack) === keyOfDialog(state.bobDialog)) feed({ type: "ack" });
  };
  bob.onResponse = (response) => state.byeResponses.push(response.status);
  alice.onRequest = (req, tx) => {
    // BYE from bob: it must belong to alice's dialog and pass the CSeq check (§12.2.2).
    const d = state.aliceDialog;
    const same = d !== undefined && dialogKeyOfRequest(req) === keyOfDialog(d);
    const cseq = d ? acceptRemoteCSeq(d, req) : undefined;
    const status = same && cseq?.ok ? 200 : same ? 500 : 481;
    if (cseq?.ok) state.aliceDialog = cseq.value;
    alice.layer.respond(tx, createResponse(req, status));
  };
  alice.onResponse = (response) => {
    if (response.status !== 200 || getCSeq(response)?.method !== "INVITE") return;
    if (!state.aliceDialog) {
      const d = createUacDialog(invite, response);
      if (d.ok) state.aliceDialog = d.value;
    }
    if (!state.aliceDialog) return;
    // §13.2.2.4: every 2xx received is ACKed, outside any transaction, with a new branch.
    const via = `SIP/2.0/UDP pc33.atlanta.com;branch=${newBranch(random)}`;
    net.send("alice", "bob", ackFor2xx(state.aliceDialog, invite, { via }));
  };
  return { ...pair, state };
}

describe("dialogs over a lossy network (RFC 3261 §12, §13)", () => {
  test("bob resends his 200 until alice's ACK gets through, then stops", () => {
    const { clock, net, alice, state } = call();
    net.drop((p) => p.summary === "200 INVITE");
    net.drop((p) => p.summary === "ACK");
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(40_000);
    expect(net.times("bob", "200 INVITE")).toEqual([10, 510, 1510]);
    expect(net.times("alice", "ACK")).toEqual([520, 1520]);
    expect(state.retrans?.name).toBe("acked");
    expect(state.ackTimeoutAt).toBeUndefined();
    expect(whats(alice).filter((w) => w === "response 200 INVITE").length).toBe(2);
    expect(net.times("bob", "BYE")).toEqual([]);
  });

  test("the two dialogs share an id, with alice's route set the reverse of bob's", () => {
    const { clock, alice, state } = call();
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(1000);
    const a = state.aliceDialog;
    const b = state.bobDialog;
    if (!a || !b) throw new Error("no dialogs");
    expect([a.callId, a.localTag, a.remoteTag]).toEqual([b.callId, b.remoteTag, b.localTag]);
    expect(a.routeSet).toEqual([...b.routeSet].reverse());
    expect(a.remoteTarget).toBe("sip:bob@192.0.2.4");
    expect(b.remoteTarget).toBe("sip:alice@pc33.atlanta.com");
  });

  test("when every ACK is lost bob gives up at 64·T1 and sends BYE in the dialog, which alice accepts", () => {
    const { clock, net, alice, state } = call();
    net.drop((p) => p.summary === "ACK", Infinity);
    alice.layer.sendRequest(invite, "bob", false);
    clock.advance(40_000);
    expect(net.times("bob", "200 INVITE")).toEqual([
      10, 510, 1510, 3510, 7510, 11510, 15510, 19510, 23510, 27510, 31510,
    ]);
    expect(state.ackTimeoutAt).toBe(32_010);
    expect(net.times("bob", "BYE")).toEqual([32_010]);
    const bye = net.log.find((p) => p.summary === "BYE")?.message as SipRequest;
    // §12.2.1.1 loose routing: Request-URI = alice's Contact, Route = bob's route set.
    expect(bye.uri).toBe("sip:alice@pc33.atlanta.com");
    expect(getHeaders(bye, "route")).toEqual(["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]);
    expect(getCSeq(bye)?.method).toBe("BYE");
    expect(state.byeResponses).toEqual([200]);
    expect(state.aliceDialog?.remoteSeq).toBe(getCSeq(bye)?.seq);
  });
});
