/**
 * REST hold/resume in the call layer (rest-api.md §3; sip.md §7): the re-INVITE's direction,
 * 2xx → state + call.hold/call.resumed {by: local}, non-2xx → 502 with the code, no answer in
 * 32 s → 504, wrong state → 409, no-op 200, and 491 to a remote re-INVITE crossing ours.
 */
import { describe, expect, test } from "bun:test";
import { parseSdp } from "../../src/sdp/index.ts";
import { answeredCall, peek } from "./control-support.ts";
import { offerWith, ringingCall, typesOf } from "./fakes.ts";

function directionIn(sdp: string): string | undefined {
  const p = parseSdp(sdp);
  if (!p.ok) return undefined;
  return p.value.media[0]?.attributes.find((a) =>
    ["sendrecv", "sendonly", "recvonly", "inactive"].includes(a.name),
  )?.name;
}

describe("POST …/hold (sip.md §7)", () => {
  test("sends a re-INVITE with a=sendonly and a higher o= version, then reports on_hold and call.hold by local", async () => {
    const { h, callId, dialog, invite, media } = await answeredCall();
    const pending = h.manager.hold(callId);
    expect(dialog.last.method).toBe("INVITE");
    expect(directionIn(dialog.last.payload)).toBe("sendonly");
    const before = parseSdp(invite.acceptedSdp ?? "");
    const after = parseSdp(dialog.last.payload);
    expect(before.ok && after.ok && BigInt(after.value.origin?.sessionVersion ?? "0")).toBe(
      before.ok ? BigInt(before.value.origin?.sessionVersion ?? "0") + 1n : -1n,
    );
    expect(await peek(pending)).toBe("pending");
    dialog.last.answer({ status: 200, sdp: offerWith({ direction: "recvonly" }) });
    const r = await pending;
    expect(r.ok && r.value.status).toBe("on_hold");
    expect(h.events.at(-1)).toEqual({ type: "call.hold", callId, by: "local" });
    expect(media.directions.at(-1)).toBe("sendonly");
  });

  test("answers 502 with the SIP code and keeps the call in_progress when the re-INVITE is refused", async () => {
    const { h, callId, dialog } = await answeredCall();
    const pending = h.manager.hold(callId);
    dialog.last.answer({ status: 488 });
    const r = await pending;
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.httpStatus).toBe(502);
      expect(r.error.message).toContain("488");
    }
    expect(h.manager.get(callId)?.status).toBe("in_progress");
    expect(typesOf(h.events)).toEqual(["call.answered"]);
  });

  test("answers 504 when the re-INVITE gets no final response within 32 s", async () => {
    const { h, callId } = await answeredCall();
    const pending = h.manager.hold(callId);
    h.clock.advance(31_999);
    expect(await peek(pending)).toBe("pending");
    h.clock.advance(1);
    const r = await pending;
    expect(!r.ok && r.error.httpStatus).toBe(504);
    expect(h.manager.get(callId)?.status).toBe("in_progress");
  });

  test("answers 504 when the stack gives up without any response (Timer B)", async () => {
    const { h, callId, dialog } = await answeredCall();
    const pending = h.manager.hold(callId);
    dialog.last.answer(undefined);
    const r = await pending;
    expect(!r.ok && r.error.apiCode).toBe("gateway_timeout");
  });

  test("is a no-op 200 without a re-INVITE when the call is already held locally", async () => {
    const { h, callId, dialog } = await answeredCall();
    const first = h.manager.hold(callId);
    dialog.last.answer({ status: 200 });
    await first;
    const again = await h.manager.hold(callId);
    expect(again.ok && again.value.status).toBe("on_hold");
    expect(dialog.sent.length).toBe(1);
    expect(typesOf(h.events).filter((t) => t === "call.hold").length).toBe(1);
  });

  test("answers 409 for a call that is still ringing and 404 for an unknown call", async () => {
    const { h, callId } = await ringingCall();
    const r = await h.manager.hold(callId);
    expect(!r.ok && r.error.httpStatus).toBe(409);
    const unknown = await h.manager.hold("CA00");
    expect(!unknown.ok && unknown.error.httpStatus).toBe(404);
  });

  test("answers a crossing remote re-INVITE with 491 while ours is pending, and accepts it afterwards", async () => {
    const { h, callId, dialog, invite } = await answeredCall();
    const pending = h.manager.hold(callId);
    expect(invite.handlers?.reInvite(offerWith({ direction: "sendonly" })).status).toBe(491);
    dialog.last.answer({ status: 200 });
    await pending;
    expect(invite.handlers?.reInvite(offerWith({ direction: "sendrecv" })).status).toBe(200);
  });
});

describe("POST …/resume (sip.md §7)", () => {
  test("sends a=sendrecv and reports call.resumed by local after the 2xx", async () => {
    const { h, callId, dialog } = await answeredCall();
    const held = h.manager.hold(callId);
    dialog.last.answer({ status: 200 });
    await held;
    const pending = h.manager.resume(callId);
    expect(directionIn(dialog.last.payload)).toBe("sendrecv");
    dialog.last.answer({ status: 200 });
    const r = await pending;
    expect(r.ok && r.value.status).toBe("in_progress");
    expect(h.events.at(-1)).toEqual({ type: "call.resumed", callId, by: "local" });
  });

  test("offers a=recvonly when the remote side still holds us, and the call stays on_hold", async () => {
    const { h, callId, dialog, invite } = await answeredCall();
    const held = h.manager.hold(callId);
    dialog.last.answer({ status: 200 });
    await held;
    invite.handlers?.reInvite(offerWith({ direction: "sendonly" }));
    const pending = h.manager.resume(callId);
    expect(directionIn(dialog.last.payload)).toBe("recvonly");
    dialog.last.answer({ status: 200 });
    const r = await pending;
    expect(r.ok && r.value.status).toBe("on_hold");
  });

  test("is a no-op 200 when in_progress, and 409 when held only by the remote side", async () => {
    const { h, callId, dialog, invite } = await answeredCall();
    const noop = await h.manager.resume(callId);
    expect(noop.ok && noop.value.status).toBe("in_progress");
    expect(dialog.sent.length).toBe(0);
    invite.handlers?.reInvite(offerWith({ direction: "sendonly" }));
    const r = await h.manager.resume(callId);
    expect(!r.ok && r.error.httpStatus).toBe(409);
  });
});
