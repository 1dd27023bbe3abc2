/**
 * REST DTMF send, SIP INFO DTMF receive, mute/unmute in the call layer (rest-api.md §3;
 * sip.md §9; websocket.md §6 "Mute").
 */
import { describe, expect, test } from "bun:test";
import type { CallStreamListener } from "../../src/call/call-stream-port.ts";
import { answeredCall, peek } from "./control-support.ts";
import { offerWith, ringingCall, settle, typesOf } from "./fakes.ts";

function listener(log: string[]): CallStreamListener {
  return {
    answered: () => log.push("answered"),
    ended: (r) => log.push(`ended:${r}`),
    streamDisabled: () => log.push("disabled"),
    audio: () => {},
    dtmf: (d) => log.push(`dtmf:${d}`),
    remoteHold: (held) => log.push(`remoteHold:${held}`),
    playActive: (a) => log.push(`play:${a}`),
    muted: (m) => log.push(`muted:${m}`),
  };
}

describe("POST …/dtmf (sip.md §9 send)", () => {
  test("queues RFC 4733 events when telephone-event was negotiated and answers after 200 ms per digit", async () => {
    const { h, callId, media, dialog } = await answeredCall();
    const pending = h.manager.sendDtmf(callId, "12#");
    expect(media.dtmfSent).toEqual(["12#"]);
    h.clock.advance(599);
    expect(await peek(pending)).toBe("pending");
    h.clock.advance(1);
    const r = await pending;
    expect(r.ok && r.value.status).toBe("in_progress");
    expect(dialog.sent).toEqual([]);
  });

  test("falls back to one SIP INFO per digit, each waiting for its 200, without telephone-event", async () => {
    const { h, callId, media, dialog } = await answeredCall();
    media.telephoneEvent = false;
    const pending = h.manager.sendDtmf(callId, "9*");
    expect(dialog.sent.map((s) => `${s.method}:${s.payload}`)).toEqual(["INFO:9"]);
    dialog.last.answer({ status: 200 });
    await settle();
    expect(dialog.sent.map((s) => `${s.method}:${s.payload}`)).toEqual(["INFO:9", "INFO:*"]);
    expect(await peek(pending)).toBe("pending");
    dialog.last.answer({ status: 200 });
    expect((await pending).ok).toBe(true);
  });

  test("stops at a refused INFO with 502 naming the SIP code and sends no later digit", async () => {
    const { h, callId, media, dialog } = await answeredCall();
    media.telephoneEvent = false;
    const pending = h.manager.sendDtmf(callId, "12");
    dialog.last.answer({ status: 415 });
    const r = await pending;
    expect(!r.ok && r.error.httpStatus).toBe(502);
    expect(!r.ok && r.error.message).toContain("415");
    expect(dialog.sent.length).toBe(1);
  });

  test("answers 504 when an INFO gets no final response within 32 s, and 404 for an unknown call", async () => {
    const { h, callId, media } = await answeredCall();
    media.telephoneEvent = false;
    const pending = h.manager.sendDtmf(callId, "1");
    h.clock.advance(32_000);
    const r = await pending;
    expect(!r.ok && r.error.httpStatus).toBe(504);
    const unknown = await h.manager.sendDtmf("CAnope", "1");
    expect(!unknown.ok && unknown.error.httpStatus).toBe(404);
  });

  test("answers 409 while on hold and sends nothing", async () => {
    const { h, callId, media, invite } = await answeredCall();
    invite.handlers?.reInvite(offerWith({ direction: "sendonly" }));
    const r = await h.manager.sendDtmf(callId, "1");
    expect(!r.ok && r.error.httpStatus).toBe(409);
    expect(media.dtmfSent).toEqual([]);
  });
});

describe("SIP INFO DTMF receive (sip.md §9)", () => {
  test("reports each INFO digit once as call.dtmf and to the WebSocket", async () => {
    const { h, callId, invite } = await answeredCall();
    const log: string[] = [];
    h.manager.streamPort(callId)?.subscribe(listener(log));
    invite.handlers?.dtmf?.("5");
    invite.handlers?.dtmf?.("#");
    expect(h.events.filter((e) => e.type === "call.dtmf")).toEqual([
      { type: "call.dtmf", callId, digit: "5" },
      { type: "call.dtmf", callId, digit: "#" },
    ]);
    expect(log).toEqual(["dtmf:5", "dtmf:#"]);
  });
});

describe("POST …/mute and …/unmute (rest-api.md §3)", () => {
  test("mutes the media and tells the stream once, idempotently, and unmutes back", async () => {
    const { h, callId, media } = await answeredCall();
    const log: string[] = [];
    const port = h.manager.streamPort(callId);
    port?.subscribe(listener(log));
    expect(h.manager.mute(callId).ok).toBe(true);
    expect(h.manager.mute(callId).ok).toBe(true);
    expect(port?.isMuted).toBe(true);
    expect(media.muted).toEqual([true]);
    expect(h.manager.unmute(callId).ok).toBe(true);
    expect(h.manager.unmute(callId).ok).toBe(true);
    expect(media.muted).toEqual([true, false]);
    expect(log).toEqual(["muted:true", "muted:false"]);
    expect(typesOf(h.events)).toEqual(["call.answered"]);
  });

  test("answers 409 for a ringing call and 404 for an unknown one", async () => {
    const { h, callId } = await ringingCall();
    const r = h.manager.mute(callId);
    expect(!r.ok && r.error.httpStatus).toBe(409);
    const u = h.manager.unmute("CAnope");
    expect(!u.ok && u.error.httpStatus).toBe(404);
  });
});
