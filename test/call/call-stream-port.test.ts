/**
 * The call as the audio WebSocket sees it (spec/websocket.md §1–§2, §6–§7; sip.md §9): the
 * port fits src/stream's StreamCallPort, listeners hear answered/ended/stream-disabled/remote
 * hold/DTMF/caller audio, and the outbound source reaches the media session.
 */
import { describe, expect, test } from "bun:test";
import type { CallStreamListener } from "../../src/call/index.ts";
import type { StreamCallPort } from "../../src/stream/types.ts";
import { ACCEPT, offerWith, ringingCall, settle, typesOf } from "./fakes.ts";

function recorder(log: string[]): CallStreamListener {
  return {
    answered: () => log.push("answered"),
    ended: (reason) => log.push(`ended:${reason}`),
    streamDisabled: () => log.push("streamDisabled"),
    audio: (frame) => log.push(`audio:${frame[0]}`),
    dtmf: (digit) => log.push(`dtmf:${digit}`),
    remoteHold: (held) => log.push(`remoteHold:${held}`),
    playActive: (active) => log.push(`playActive:${active}`),
    muted: (muted) => log.push(`muted:${muted}`),
  };
}

async function ringing() {
  const r = await ringingCall();
  if (r.media === undefined) throw new Error("no media");
  return { ...r, media: r.media };
}

describe("stream port of a call (websocket.md §1–§2)", () => {
  test("is a StreamCallPort for the stream hub and reports state, stream flag and parameters", async () => {
    const { h, callId } = await ringing();
    const port: StreamCallPort | undefined = h.manager.streamPort(callId);
    expect(port).toMatchObject({
      callId,
      state: "ringing",
      streamAllowed: true,
      customParameters: {},
      remoteHeld: false,
    });
    h.decisions.answer({ action: "accept", stream: true, customParameters: { lang: "de" } });
    await settle();
    expect(port?.state).toBe("in_progress");
    expect(port?.customParameters).toEqual({ lang: "de" });
    expect(h.manager.streamPort("CAunknown")).toBeUndefined();
  });

  test("tells a socket opened while ringing about the answer, remote hold, DTMF and the end, in order", async () => {
    const { h, invite, callId, media } = await ringing();
    const log: string[] = [];
    h.manager.streamPort(callId)?.subscribe(recorder(log));
    h.decisions.answer(ACCEPT);
    await settle();
    invite.handlers?.reInvite(offerWith({ direction: "sendonly" }));
    media.fireDtmf("5");
    invite.handlers?.reInvite(offerWith({ direction: "sendrecv" }));
    invite.handlers?.bye();
    expect(log).toEqual(["answered", "remoteHold:true", "dtmf:5", "remoteHold:false", "ended:normal"]);
    expect(typesOf(h.events)).toEqual([
      "call.answered",
      "call.hold",
      "call.dtmf",
      "call.resumed",
      "call.ended",
    ]);
  });

  test("says stream disabled instead of answered when the app accepts with stream: false", async () => {
    const { h, callId } = await ringing();
    const log: string[] = [];
    h.manager.streamPort(callId)?.subscribe(recorder(log));
    h.decisions.answer({ action: "accept", stream: false, customParameters: {} });
    await settle();
    expect(log).toEqual(["streamDisabled"]);
    expect(h.manager.streamPort(callId)?.streamAllowed).toBe(false);
  });

  test("decodes caller audio only while a socket listens and fans each frame out to it", async () => {
    const { h, callId, media } = await ringing();
    expect(media.sink).toBeUndefined();
    const log: string[] = [];
    const unsubscribe = h.manager.streamPort(callId)?.subscribe(recorder(log));
    media.sink?.(new Int16Array([7]));
    expect(log).toEqual(["audio:7"]);
    unsubscribe?.();
    expect(media.sink).toBeUndefined();
  });

  test("passes the socket's outbound audio to the media session and drops it at the end", async () => {
    const { h, callId, media } = await ringing();
    const source = { pull: () => false };
    h.manager.streamPort(callId)?.setStreamSource(source);
    expect(media.source).toBe(source);
    h.manager.hangup(callId);
    expect(media.source).toBeUndefined();
  });

  test("ignores RFC 4733 digits before the call is answered", async () => {
    const { h, media } = await ringing();
    media.fireDtmf("1");
    expect(h.events).toEqual([]);
  });
});
