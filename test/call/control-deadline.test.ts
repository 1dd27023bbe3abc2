/**
 * The 32 s limit of the mid-call commands (rest-api.md §1.4 504; RFC 3261 §17.1.1.2 Timer B,
 * §17.1.2.2 Timer F) when the dialog adapter fails instead of answering: the REST call gets its
 * 504 at once, the rejection is handled, and the call stays up.
 */
import { describe, expect, test } from "bun:test";
import { answeredCall, peek } from "./control-support.ts";

describe("a request the dialog adapter could not send", () => {
  test("answers 504 at once when the INFO for a digit rejects, and the call stays in_progress", async () => {
    const { h, callId, media, dialog } = await answeredCall();
    media.telephoneEvent = false;
    dialog.sendDtmfInfo = () => Promise.reject(new Error("transport closed"));
    const r = await peek(h.manager.sendDtmf(callId, "5"));
    expect(r !== "pending" && !r.ok && [r.error.code, r.error.httpStatus]).toEqual(["no_answer", 504]);
    expect(h.manager.get(callId)?.status).toBe("in_progress");
    expect(h.clock.pending).toBe(0);
  });

  test("answers 504 at once when the hold re-INVITE rejects, and a later hold can still be sent", async () => {
    const { h, callId, dialog } = await answeredCall();
    const reinvite = dialog.reinvite.bind(dialog);
    dialog.reinvite = () => Promise.reject(new Error("transport closed"));
    const r = await peek(h.manager.hold(callId));
    expect(r !== "pending" && !r.ok && r.error.httpStatus).toBe(504);
    expect(h.manager.get(callId)?.status).toBe("in_progress");
    dialog.reinvite = reinvite;
    const again = h.manager.hold(callId);
    dialog.last.answer({ status: 200 });
    const held = await again;
    expect(held.ok && held.value.status).toBe("on_hold");
  });

  test("answers 504 at once when the REFER rejects, and no transfer stays pending", async () => {
    const { h, callId, dialog } = await answeredCall();
    dialog.refer = () => Promise.reject(new Error("transport closed"));
    const r = await peek(h.manager.transfer(callId, "1002"));
    expect(r !== "pending" && !r.ok && r.error.httpStatus).toBe(504);
    const again = await peek(h.manager.transfer(callId, "1002"));
    expect(again !== "pending" && !again.ok && again.error.httpStatus).toBe(504);
  });
});
