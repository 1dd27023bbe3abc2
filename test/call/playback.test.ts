/**
 * REST play in the call layer (rest-api.md §3 `…/play`, `…/play/stop`; websocket.md §6): 20 ms
 * frames, loops, `play_<n>` ids, priority over the WebSocket queue, and call.play_finished
 * {interrupted} on completion, stop, replacement and hangup (before call.ended).
 */
import { describe, expect, test } from "bun:test";
import type { CallStreamListener } from "../../src/call/call-stream-port.ts";
import { Playback } from "../../src/call/playback.ts";
import { answeredCall } from "./control-support.ts";
import { harness, ringingCall, typesOf } from "./fakes.ts";

function ramp(n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => i + 1);
}

function quietListener(log: string[]): CallStreamListener {
  return {
    answered: () => {},
    ended: () => {},
    streamDisabled: () => {},
    audio: () => {},
    dtmf: () => {},
    remoteHold: () => {},
    playActive: (a) => log.push(`play:${a}`),
    muted: () => {},
  };
}

describe("Playback frame source", () => {
  test("plays 200 samples as two frames, padding the last with silence, and finishes inside the last pull", () => {
    let finished = 0;
    const p = new Playback("play_0", ramp(200), 1, () => finished++);
    const out = new Int16Array(160);
    expect(p.pull(out)).toBe(true);
    expect(out[159]).toBe(160);
    expect(finished).toBe(0);
    expect(p.pull(out)).toBe(true);
    expect([out[0], out[39], out[40], out[159]]).toEqual([161, 200, 0, 0]);
    expect(finished).toBe(1);
    expect(p.pull(out)).toBe(false);
  });

  test("continues a loop seamlessly inside a frame and counts loops", () => {
    let finished = 0;
    const p = new Playback("play_1", ramp(100), 2, () => finished++);
    const out = new Int16Array(160);
    p.pull(out);
    expect([out[99], out[100], out[159]]).toEqual([100, 1, 60]);
    expect(finished).toBe(0);
    p.pull(out);
    expect([out[0], out[39], out[40]]).toEqual([61, 100, 0]);
    expect(finished).toBe(1);
  });

  test("loop_count 0 repeats until cancelled", () => {
    const p = new Playback("play_2", ramp(160), 0, () => {
      throw new Error("an endless play never finishes");
    });
    const out = new Int16Array(160);
    for (let i = 0; i < 100; i++) expect(p.pull(out)).toBe(true);
    p.cancel();
    expect(p.pull(out)).toBe(false);
  });
});

describe("POST …/play (rest-api.md §3)", () => {
  test("numbers plays play_0, play_1… across calls and replaces a running play with interrupted:true", async () => {
    const h = harness();
    const a = await answeredCall(h);
    const b = await answeredCall(h);
    const first = h.manager.play(a.callId, ramp(1600), 1);
    const second = h.manager.play(b.callId, ramp(1600), 1);
    const third = h.manager.play(a.callId, ramp(1600), 1);
    expect([first, second, third].map((r) => r.ok && r.value.playId)).toEqual(["play_0", "play_1", "play_2"]);
    expect(h.events.filter((e) => e.type === "call.play_finished")).toEqual([
      { type: "call.play_finished", callId: a.callId, playId: "play_0", interrupted: true },
    ]);
  });

  test("takes priority over the WebSocket source, then hands the media back to it after the last frame", async () => {
    const { h, callId, media } = await answeredCall();
    const ws = { pull: () => true };
    const port = h.manager.streamPort(callId);
    const log: string[] = [];
    port?.subscribe(quietListener(log));
    port?.setStreamSource(ws);
    h.manager.play(callId, ramp(320), 1);
    expect(media.source).not.toBe(ws);
    expect(port?.playing).toBe(true);
    const out = new Int16Array(160);
    media.source?.pull(out);
    expect(h.events.some((e) => e.type === "call.play_finished")).toBe(false);
    media.source?.pull(out);
    expect(h.events.at(-1)).toEqual({
      type: "call.play_finished",
      callId,
      playId: expect.any(String),
      interrupted: false,
    });
    expect(media.source).toBe(ws);
    expect(log).toEqual(["play:true", "play:false"]);
  });

  test("answers 409 for a ringing call and 404 for an unknown one", async () => {
    const { h, callId } = await ringingCall();
    const r = h.manager.play(callId, ramp(160), 1);
    expect(!r.ok && r.error.httpStatus).toBe(409);
    const u = h.manager.play("CAnope", ramp(160), 1);
    expect(!u.ok && u.error.httpStatus).toBe(404);
  });
});

describe("POST …/play/stop and hangup", () => {
  test("stops the running play with interrupted:true and answers 404 when nothing plays", async () => {
    const { h, callId } = await answeredCall();
    const started = h.manager.play(callId, ramp(1600), 0);
    const stopped = h.manager.stopPlay(callId);
    expect(stopped.ok && started.ok && stopped.value.playId).toBe(started.ok ? started.value.playId : "");
    expect(h.events.at(-1)).toMatchObject({ type: "call.play_finished", interrupted: true });
    const again = h.manager.stopPlay(callId);
    expect(!again.ok && again.error.httpStatus).toBe(404);
    expect(!again.ok && again.error.apiCode).toBe("not_found");
  });

  test("a hangup interrupts the play before call.ended", async () => {
    const { h, callId } = await answeredCall();
    h.manager.play(callId, ramp(1600), 1);
    h.manager.hangup(callId);
    expect(typesOf(h.events)).toEqual(["call.answered", "call.play_finished", "call.ended"]);
    expect(h.events[1]).toMatchObject({ interrupted: true });
  });
});
