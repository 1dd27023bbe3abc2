/**
 * The registry and its commands (DESIGN.md rule 3; rest-api.md §2–§3 DELETE; sip.md §3, §5–§6):
 * creation order, removal on end, hangup by state (CANCEL / 603 / BYE), shutdown, requests
 * outside any dialog (OPTIONS, 405, 481), and exactly one `call.ended` per announced call.
 */
import { describe, expect, test } from "bun:test";
import { callStep, newCallState } from "../../src/call/call-state.ts";
import { ALLOW } from "../../src/call/trunk-host.ts";
import { answeredCall } from "./control-support.ts";
import {
  ACCEPT,
  endedEvents,
  FakeDialog,
  FakeInvite,
  harness,
  offerWith,
  ringingCall,
  settle,
  typesOf,
} from "./fakes.ts";

const REQUEST = { to: "+15551234567", from: "+15559876543", peer: "office-pbx" } as const;

describe("registry", () => {
  test("lists calls in creation order and forgets each one the moment it ends", async () => {
    const h = harness();
    const a = await h.manager.create(REQUEST);
    h.manager.handleInvite(new FakeInvite());
    await settle();
    const b = await h.manager.create(REQUEST);
    if (!a.ok || !b.ok) throw new Error("create failed");
    const ids = h.manager.list().map((c) => c.callId);
    expect(ids).toEqual([a.value.callId, h.decisions.requests[0]?.callId ?? "", b.value.callId]);
    expect(new Set(ids).size).toBe(3);
    h.manager.hangup(a.value.callId);
    expect(h.manager.list().map((c) => c.callId)).toEqual(ids.slice(1));
    expect(h.manager.get(a.value.callId)).toBeUndefined();
  });

  test("answers call_not_found (404) to a hangup of an unknown call", () => {
    const r = harness().manager.hangup("CA00000000000000000000000000000000");
    expect(!r.ok && [r.error.code, r.error.httpStatus]).toEqual(["call_not_found", 404]);
  });

  test("keeps handling calls when an event consumer throws", async () => {
    const h = harness({
      events: () => {
        throw new Error("consumer bug");
      },
    });
    const created = await h.manager.create(REQUEST);
    if (!created.ok) throw created.error;
    expect(h.manager.hangup(created.value.callId).ok).toBe(true);
    expect(h.manager.size).toBe(0);
  });
});

describe("hangup by state (rest-api.md §3 DELETE)", () => {
  test("cancels a dialing outbound call with reason cancelled", async () => {
    const h = harness();
    const created = await h.manager.create(REQUEST);
    if (!created.ok) throw created.error;
    h.manager.hangup(created.value.callId);
    expect(h.dialer.last.cancels).toBe(1);
    expect(endedEvents(h.events)[0]?.reason).toBe("cancelled");
  });

  test("answers 603 to a ringing inbound call with reason rejected", async () => {
    const { h, invite, callId } = await ringingCall();
    h.manager.hangup(callId);
    expect(invite.final).toBe(603);
    expect(endedEvents(h.events)[0]).toMatchObject({ reason: "rejected", sipCode: 603 });
    h.decisions.answer(ACCEPT);
    await settle();
    expect(invite.responses).toEqual([180, 603]);
  });

  test("sends BYE on an answered call with reason local, also while held", async () => {
    const { h, invite, callId: id } = await answeredCall();
    invite.handlers?.reInvite(offerWith({ direction: "sendonly" }));
    expect(h.manager.get(id)?.status).toBe("on_hold");
    h.manager.hangup(id);
    expect(invite.dialog.byes).toBe(1);
    expect(endedEvents(h.events)[0]?.reason).toBe("local");
    expect(h.manager.hangup(id).ok).toBe(false);
  });
});

describe("shutdown", () => {
  test("ends every call with reason shutdown by CANCEL, 503 or BYE, each exactly once", async () => {
    const h = harness();
    const dialing = await h.manager.create(REQUEST);
    expect(dialing.ok).toBe(true);
    const talking = new FakeInvite();
    h.manager.handleInvite(talking);
    await settle();
    h.decisions.answer(ACCEPT);
    await settle();
    const stillRinging = new FakeInvite();
    h.manager.handleInvite(stillRinging);
    await settle();
    h.events.length = 0;
    h.manager.shutdown();
    expect(h.dialer.last.cancels).toBe(1);
    expect(stillRinging.final).toBe(503);
    expect(talking.dialog.byes).toBe(1);
    expect(endedEvents(h.events).map((e) => e.reason)).toEqual(["shutdown", "shutdown", "shutdown"]);
    expect(h.manager.list()).toEqual([]);
    h.manager.shutdown();
    expect(endedEvents(h.events)).toHaveLength(3);
  });
});

describe("requests outside any dialog (sip.md §3, §6)", () => {
  test("answers OPTIONS 200 with Allow, and 503 while shutting down", () => {
    const h = harness();
    expect(h.manager.answerStray("OPTIONS", false)).toEqual({ status: 200, allow: ALLOW });
    h.manager.shutdown();
    expect(h.manager.answerStray("OPTIONS", false)?.status).toBe(503);
  });

  test.each(["REFER", "UPDATE", "MESSAGE", "SUBSCRIBE", "INFO"])(
    "answers %s outside a dialog with 405 and Allow",
    (m) => {
      expect(harness().manager.answerStray(m, false)).toEqual({
        status: 405,
        allow: "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY",
      });
    },
  );

  test.each([
    ["BYE", true],
    ["INVITE", true],
    ["INFO", true],
    ["CANCEL", false],
    ["BYE", false],
  ] as const)("answers 481 to %s matching no dialog (To tag: %s)", (method, hasToTag) => {
    expect(harness().manager.answerStray(method, hasToTag)?.status).toBe(481);
  });

  test("never answers a stray ACK and leaves out-of-dialog INVITEs to handleInvite", () => {
    const m = harness().manager;
    expect(m.answerStray("ACK", true)).toBeUndefined();
    expect(m.answerStray("INVITE", false)).toBeUndefined();
  });
});

describe("event order (webhooks.md §3)", () => {
  test("an answered, held, resumed and hung-up call reports each event once, call.ended last", async () => {
    const h = harness();
    const created = await h.manager.create(REQUEST);
    if (!created.ok) throw created.error;
    const out = h.dialer.last;
    out.handlers.provisional(180);
    out.handlers.answered(offerWith({}), new FakeDialog());
    out.dialog.reInvite(offerWith({ direction: "sendonly" }));
    out.dialog.reInvite(offerWith({ direction: "sendrecv" }));
    h.manager.hangup(created.value.callId);
    out.dialog.bye();
    out.handlers.failed(487);
    expect(typesOf(h.events)).toEqual([
      "call.ringing",
      "call.answered",
      "call.hold",
      "call.resumed",
      "call.ended",
    ]);
  });

  test("the status machine emits nothing after call.ended", () => {
    const s0 = newCallState("CA1", "outbound", "a", "b");
    const over = callStep(s0, { kind: "end", reason: "local" }, 0).state;
    for (const input of [
      { kind: "ringing" },
      { kind: "answered" },
      { kind: "end", reason: "normal" },
    ] as const) {
      expect(callStep(over, input, 1).events).toEqual([]);
    }
  });

  test("the status machine keeps on_hold while the other side still holds", () => {
    let s = callStep(newCallState("CA1", "inbound", "a", "b"), { kind: "answered" }, 0).state;
    s = callStep(s, { kind: "hold", by: "local", held: true }, 0).state;
    s = callStep(s, { kind: "hold", by: "remote", held: true }, 0).state;
    const resumed = callStep(s, { kind: "hold", by: "remote", held: false }, 0);
    expect(resumed.state.status).toBe("on_hold");
    expect(resumed.events).toEqual([{ type: "call.resumed", callId: "CA1", by: "remote" }]);
  });
});
