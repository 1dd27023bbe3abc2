/**
 * Mid-call control against a real softphone (issue #7; sip.md §7 hold/resume, §8, §9 DTMF send):
 * baresip dials the trunk host of an in-process call system (the root's own adapters:
 * sip-bridge, media-bridge, SipStack, media service), the fake app accepts, and the test drives
 * the CallManager commands the REST routes call. Hold/resume must get baresip's 2xx with the
 * mirrored direction (the call becomes `on_hold`, then `in_progress`), DTMF sent as RFC 4733
 * events must be reported by baresip digit by digit, and a blind transfer (sip.md §8) makes
 * baresip call a second baresip (bob) and NOTIFY us, after which the call ends `transfer`.
 * A play must finish only after its frames went out in real time.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CallManager } from "../../src/call/call-manager.ts";
import type { CallSystem } from "../../src/gateway/call-system.ts";
import { type FakeApp, startFakeApp } from "../support/app-server.ts";
import { type Baresip, startBaresip } from "../support/baresip.ts";
import { freePorts, makeTempDir, skipWithout } from "../support/peers.ts";
import { tone } from "../support/tone.ts";
import { startCallSystem } from "./control-system.ts";

const skip = skipWithout("baresip");

describe.skipIf(skip)("baresip ⇄ gateway mid-call control", () => {
  let app: FakeApp;
  let system: CallSystem;
  let manager: CallManager;
  let bs: Baresip;
  let bob: Baresip;
  let bobSip = 0;
  let callId = "";

  beforeAll(async () => {
    app = startFakeApp();
    const [sipPort, bsSip, ctrlPort, rtpBase, bobSipPort, bobCtrl, bobRtp] = await freePorts(7);
    bobSip = bobSipPort!;
    bob = await startBaresip({
      dir: makeTempDir("control-baresip-bob"),
      user: "bob",
      sipPort: bobSip,
      ctrlPort: bobCtrl!,
      rtpPorts: [bobRtp!, bobRtp! + 9],
      codecs: ["pcmu"],
      answer: "auto",
      toneSeconds: 30,
    });
    system = await startCallSystem(app, sipPort!);
    manager = system.manager;
    bs = await startBaresip({
      dir: makeTempDir("control-baresip"),
      sipPort: bsSip!,
      ctrlPort: ctrlPort!,
      rtpPorts: [rtpBase!, rtpBase! + 9],
      codecs: ["pcmu"],
      toneSeconds: 30,
    });
    await bs.ctrl.command("dial", `sip:ivr@127.0.0.1:${sipPort}`);
    callId = (await app.waitForIncoming(1, 5000)).body.call_id;
    await bs.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
  }, 15_000);

  afterAll(async () => {
    if (manager !== undefined) manager.shutdown();
    await bs?.stop();
    await bob?.stop();
    await system?.stack?.stop();
    system?.media?.close();
    await app?.stop();
  });

  test("hold and resume re-INVITEs reach baresip as SDP offers, get its 2xx, and report by local", async () => {
    const offers = () =>
      bs.ctrl.messages.filter((m) => m.event && m.type === "CALL_REMOTE_SDP" && m.param === "offer").length;
    const before = offers();
    const held = await manager.hold(callId);
    expect(held.ok && held.value.status).toBe("on_hold");
    const resumed = await manager.resume(callId);
    expect(resumed.ok && resumed.value.status).toBe("in_progress");
    // ctrl_tcp events may trail the SIP 200 a little: wait for them, bounded.
    for (let i = 0; i < 100 && offers() < before + 2; i++) await Bun.sleep(20);
    expect(offers()).toBe(before + 2);
    await app.waitForEvent((e) => e.call_id === callId && e.event === "call.resumed", 3000);
    const control = app
      .eventsOf(callId)
      .filter((e) => e.event === "call.hold" || e.event === "call.resumed")
      .map((e) => `${e.event}:${String(e.by)}`);
    expect(control).toEqual(["call.hold:local", "call.resumed:local"]);
  });

  test("DTMF sent by the REST command as RFC 4733 events is reported by baresip digit by digit", async () => {
    const sent = await manager.sendDtmf(callId, "12#");
    expect(sent.ok).toBe(true);
    await Bun.sleep(500);
    const digits = bs.ctrl.messages
      .filter((m) => m.event && m.type === "CALL_DTMF_START")
      .map((m) => m.param)
      .join("");
    expect(digits).toBe("12#");
  });

  test("a 1 s play reports call.play_finished {interrupted: false} only after ~1 s of real-time frames", async () => {
    const started = performance.now();
    const played = manager.play(callId, tone(440, 8000, 8000, 8000), 1);
    expect(played.ok).toBe(true);
    const playId = played.ok ? played.value.playId : "";
    const finished = await app.waitForEvent(
      (e) => e.call_id === callId && e.event === "call.play_finished" && e.play_id === playId,
      5000,
    );
    // 50 frames on the shared 20 ms media clock; the webhook adds its own delivery time.
    expect(performance.now() - started).toBeGreaterThan(960);
    expect(finished.interrupted).toBe(false);
    expect(manager.stopPlay(callId).ok).toBe(false);
  });

  test("a blind transfer REFERs baresip to bob; its NOTIFY 200 ends the call with reason transfer", async () => {
    const r = await manager.transfer(callId, `sip:bob@127.0.0.1:${bobSip}`);
    expect(r.ok).toBe(true);
    await bob.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
    const ended = await app.waitForEvent((e) => e.call_id === callId && e.event === "call.ended", 5000);
    expect(ended.reason).toBe("transfer");
    expect(manager.get(callId)).toBeUndefined();
  });
});
