/**
 * Blind transfer in the call layer (rest-api.md §3 `…/transfer`; sip.md §8): Refer-To
 * normalisation, REFER outcomes (200 / 502 with code / 504), and the NOTIFY outcomes (2xx →
 * BYE + ended `transfer`; failure → the call stays + call.transfer_failed).
 */
import { describe, expect, test } from "bun:test";
import { TRANSFER_NO_FINAL_STATUS } from "../../src/call/index.ts";
import { referTarget } from "../../src/call/transfer.ts";
import { answeredCall, peek } from "./control-support.ts";
import { typesOf } from "./fakes.ts";

describe("Refer-To (sip.md §8 step 1)", () => {
  test("keeps sip:, sips: and tel: URIs as given", () => {
    expect(referTarget("sip:bob@example.com", "x")).toBe("sip:bob@example.com");
    expect(referTarget("SIPS:bob@example.com", "x")).toBe("SIPS:bob@example.com");
    expect(referTarget("tel:+15551234567", "x")).toBe("tel:+15551234567");
  });

  test("puts a bare target at the peer's signalling address, port only when not 5060, IPv6 in brackets", () => {
    expect(referTarget("1002", { address: "192.0.2.10", port: 5060 })).toBe("sip:1002@192.0.2.10");
    expect(referTarget("1002", { address: "192.0.2.10", port: 5080 })).toBe("sip:1002@192.0.2.10:5080");
    expect(referTarget("1002", { address: "2001:db8::1", port: 5060 })).toBe("sip:1002@[2001:db8::1]");
  });
});

describe("POST …/transfer (sip.md §8)", () => {
  test("sends the REFER, answers 200 on 202, and ends with BYE and reason transfer on a 2xx NOTIFY", async () => {
    const { h, callId, dialog, invite } = await answeredCall();
    const pending = h.manager.transfer(callId, "1002");
    expect(dialog.last).toMatchObject({ method: "REFER", payload: "sip:1002@192.0.2.10" });
    expect(await peek(pending)).toBe("pending");
    dialog.last.answer({ status: 202 });
    const r = await pending;
    expect(r.ok && r.value.status).toBe("in_progress");
    invite.handlers?.referNotify?.({ kind: "pending" });
    expect(dialog.byes).toBe(0);
    invite.handlers?.referNotify?.({ kind: "succeeded", code: 200 });
    expect(dialog.byes).toBe(1);
    expect(h.events.at(-1)).toMatchObject({ type: "call.ended", reason: "transfer" });
    expect(h.manager.get(callId)).toBeUndefined();
  });

  test("answers 200 when the success NOTIFY overtakes the REFER's 202 and the call has already ended", async () => {
    const { h, callId, dialog, invite } = await answeredCall();
    const pending = h.manager.transfer(callId, "1002");
    invite.handlers?.referNotify?.({ kind: "succeeded", code: 200 });
    expect(dialog.byes).toBe(1);
    dialog.last.answer({ status: 202 });
    const r = await pending;
    expect(r.ok && r.value.status).toBe("completed");
    expect(h.events.at(-1)).toMatchObject({ type: "call.ended", reason: "transfer" });
  });

  test("keeps the call and sends call.transfer_failed with the target's code on a failed NOTIFY", async () => {
    const { h, callId, dialog, invite } = await answeredCall();
    const pending = h.manager.transfer(callId, "sip:busy@example.com");
    dialog.last.answer({ status: 202 });
    await pending;
    invite.handlers?.referNotify?.({ kind: "failed", code: 486 });
    expect(h.events.at(-1)).toEqual({
      type: "call.transfer_failed",
      callId,
      target: "sip:busy@example.com",
      sipCode: 486,
    });
    expect(h.manager.get(callId)?.status).toBe("in_progress");
    expect(dialog.byes).toBe(0);
  });

  test("reports 487 when the subscription terminates without a final status", async () => {
    const { h, callId, dialog, invite } = await answeredCall();
    const pending = h.manager.transfer(callId, "1002");
    dialog.last.answer({ status: 202 });
    await pending;
    invite.handlers?.referNotify?.({ kind: "failed" });
    expect(h.events.at(-1)).toMatchObject({
      type: "call.transfer_failed",
      sipCode: TRANSFER_NO_FINAL_STATUS,
    });
    expect(TRANSFER_NO_FINAL_STATUS).toBe(487);
  });

  test("answers 502 naming the code when the REFER is rejected, and ignores later NOTIFYs", async () => {
    const { h, callId, dialog, invite } = await answeredCall();
    const pending = h.manager.transfer(callId, "1002");
    dialog.last.answer({ status: 603 });
    const r = await pending;
    expect(!r.ok && r.error.httpStatus).toBe(502);
    expect(!r.ok && r.error.message).toContain("603");
    invite.handlers?.referNotify?.({ kind: "succeeded", code: 200 });
    expect(dialog.byes).toBe(0);
    expect(typesOf(h.events)).toEqual(["call.answered"]);
  });

  test("answers 504 when the REFER gets no answer within 32 s", async () => {
    const { h, callId } = await answeredCall();
    const pending = h.manager.transfer(callId, "1002");
    h.clock.advance(32_000);
    const r = await pending;
    expect(!r.ok && r.error.httpStatus).toBe(504);
  });

  test("answers 409 while another transfer is pending and 404 for an unknown call", async () => {
    const { h, callId, dialog } = await answeredCall();
    void h.manager.transfer(callId, "1002");
    const second = await h.manager.transfer(callId, "1003");
    expect(!second.ok && second.error.httpStatus).toBe(409);
    expect(dialog.sent.length).toBe(1);
    const unknown = await h.manager.transfer("CAnope", "1002");
    expect(!unknown.ok && unknown.error.httpStatus).toBe(404);
  });
});
