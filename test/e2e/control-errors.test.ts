/**
 * The error answers of mid-call control through the REAL gateway process (rest-api.md §3
 * status tables and §1.4 error body; sip.md §7 hold, §8 blind transfer; webhooks.md §3
 * call.transfer_failed): sipp calls the gateway's trunk host and plays the remote side.
 *  - A call the app has not answered yet (its /incoming is still pending) → 409 `conflict` on
 *    every state-changing endpoint and on play; play/stop → 404.
 *  - A call the caller holds (sipp re-INVITE a=sendonly) → resume 409 (held only remotely) and
 *    dtmf 409 (needs in_progress), while mute/unmute/play are allowed on_hold (200).
 *  - uac_control_refuse.xml: the hold re-INVITE refused 488 → 502 naming 488, call unchanged;
 *    transfer validation 400 / unknown 404; a REFER to a bare target (completed to
 *    sip:1000@<peer address>) refused 603 → 502 naming 603; a REFER accepted whose NOTIFY says
 *    486 → 200 then call.transfer_failed {target, sip_code: 486} and the call stays up; a REFER
 *    whose NOTIFY says 200 → 200, the gateway sends BYE, call.ended reason `transfer`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { makeTempDir, type PeerProcess, skipWithout, waitExit } from "../support/peers.ts";
import { callGateway, defaultKeys, sippMessages } from "../support/sipp-media.ts";
import { tone } from "../support/tone.ts";

const skip = skipWithout("sipp", "sox");
const UNKNOWN_CALL = "CA00000000000000000000000000000000";
/** How long the fake app sits on /incoming while the test pokes the ringing call. */
const ANSWER_DELAY_MS = 2500;
/** How long uac_reinvite_hold.xml keeps the call held by the caller. */
const REMOTE_HOLD_MS = 3000;

const inlineAudio = () => Buffer.from(tone(440, 8000, 800, 8000).buffer).toString("base64");

describe.skipIf(skip)("mid-call control errors through the gateway process (sipp caller)", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  async function post(callId: string, action: string, body?: unknown) {
    const res = await rig.api(`/v1/calls/${callId}/${action}`, {
      method: "POST",
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function status(callId: string): Promise<unknown> {
    const res = await rig.api(`/v1/calls/${callId}`);
    return res.status === 200 ? ((await res.json()) as { status: string }).status : `HTTP ${res.status}`;
  }

  async function finish(sipp: PeerProcess, dir: string): Promise<void> {
    const exit = await waitExit(sipp, 10_000);
    if (exit === undefined) await sipp.stop();
    expect(exit, sippMessages(dir)).toBe(0);
  }

  test("while the app has not answered /incoming, every control endpoint answers 409 conflict and play/stop 404", async () => {
    rig.app.decide = () => ({ kind: "accept", delayMs: ANSWER_DELAY_MS });
    const dir = makeTempDir("control-errors-ringing");
    try {
      const n = rig.app.incoming.length;
      const { sipp } = await callGateway({
        dir,
        gatewaySipPort: rig.sipPort,
        scenario: "uac_rtp.xml",
        keys: defaultKeys(dir),
        durationMs: 500,
      });
      const callId = (await rig.app.waitForIncoming(n + 1, 5000)).body.call_id;
      expect(await status(callId)).toBe("ringing");
      const requests: Array<[string, unknown]> = [
        ["hold", undefined],
        ["resume", undefined],
        ["transfer", { target: "sip:carol@127.0.0.1" }],
        ["dtmf", { digits: "1" }],
        ["mute", undefined],
        ["unmute", undefined],
        ["play", { audio: inlineAudio() }],
      ];
      for (const [action, body] of requests) {
        const r = await post(callId, action, body);
        expect({ action, status: r.status, error: r.body.error }).toEqual({
          action,
          status: 409,
          error: "conflict",
        });
        expect(typeof r.body.message).toBe("string");
      }
      const stop = await post(callId, "play/stop");
      expect(stop.status).toBe(404);
      // Nothing above changed the call: it is answered when the app says so.
      await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.answered", 5000);
      await finish(sipp, dir);
      expect(rig.app.eventsOf(callId).map((e) => e.event)).toEqual(["call.answered", "call.ended"]);
    } finally {
      rig.app.decide = () => ({ kind: "accept" });
    }
  }, 20_000);

  test("while the caller holds the call: resume 409 (held only remotely) and dtmf 409, but mute, unmute and play answer 200", async () => {
    const dir = makeTempDir("control-errors-remote-hold");
    const n = rig.app.incoming.length;
    const { sipp } = await callGateway({
      dir,
      gatewaySipPort: rig.sipPort,
      scenario: "uac_reinvite_hold.xml",
      placeholders: {
        HOLD_ADDRESS: "[media_ip]",
        HOLD_DIRECTION: "sendonly",
        EXPECT_HOLD: "recvonly",
        HOLD_MS: String(REMOTE_HOLD_MS),
      },
      keys: defaultKeys(dir),
      timeoutS: 15,
    });
    const callId = (await rig.app.waitForIncoming(n + 1, 5000)).body.call_id;
    await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.hold", 5000, "call.hold");
    expect(await status(callId)).toBe("on_hold");

    const resume = await post(callId, "resume");
    expect(resume.status).toBe(409);
    expect(resume.body.error).toBe("conflict");
    const dtmf = await post(callId, "dtmf", { digits: "1" });
    expect(dtmf.status).toBe(409);
    expect(dtmf.body.error).toBe("conflict");
    for (const action of ["mute", "unmute"]) {
      const r = await post(callId, action);
      expect({ action, status: r.status, call: r.body.status }).toEqual({
        action,
        status: 200,
        call: "on_hold",
      });
    }
    const play = await post(callId, "play", { audio: inlineAudio() });
    expect(play.status).toBe(200);
    expect(play.body.play_id).toMatch(/^play_\d+$/);
    expect(await status(callId)).toBe("on_hold");

    await rig.app.waitForEvent(
      (e) => e.call_id === callId && e.event === "call.resumed",
      8000,
      "call.resumed",
    );
    await finish(sipp, dir);
    const control = rig.app
      .eventsOf(callId)
      .filter((e) => e.event === "call.hold" || e.event === "call.resumed")
      .map((e) => `${e.event}:${String(e.by)}`);
    expect(control).toEqual(["call.hold:remote", "call.resumed:remote"]);
  }, 20_000);

  test("refusals from the remote: hold re-INVITE 488 → 502, REFER 603 → 502, transfer validation 400 / unknown 404; a NOTIFY 486 → call.transfer_failed and the call stays; a NOTIFY 200 → BYE and call.ended(transfer)", async () => {
    const dir = makeTempDir("control-errors-refuse");
    const n = rig.app.incoming.length;
    const { sipp } = await callGateway({
      dir,
      gatewaySipPort: rig.sipPort,
      scenario: "uac_control_refuse.xml",
      keys: defaultKeys(dir),
      timeoutS: 18,
    });
    try {
      const callId = (await rig.app.waitForIncoming(n + 1, 5000)).body.call_id;
      await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.answered", 5000);

      const hold = await post(callId, "hold");
      expect(hold.status, sippMessages(dir)).toBe(502);
      expect(hold.body.error).toBe("bad_gateway");
      expect(String(hold.body.message)).toContain("488");
      expect(await status(callId)).toBe("in_progress");

      for (const body of [{}, { target: "" }, { target: 42 }]) {
        const r = await post(callId, "transfer", body);
        expect({ body, status: r.status, error: r.body.error }).toEqual({
          body,
          status: 400,
          error: "invalid_request",
        });
      }
      expect((await post(UNKNOWN_CALL, "transfer", { target: "sip:x@127.0.0.1" })).status).toBe(404);

      const declined = await post(callId, "transfer", { target: "1000" });
      expect(declined.status, sippMessages(dir)).toBe(502);
      expect(declined.body.error).toBe("bad_gateway");
      expect(String(declined.body.message)).toContain("603");
      expect(await status(callId)).toBe("in_progress");

      const carol = "sip:carol@127.0.0.1:5999";
      const busy = await post(callId, "transfer", { target: carol });
      expect(busy.status, sippMessages(dir)).toBe(200);
      expect(busy.body).toMatchObject({ call_id: callId });
      const failed = await rig.app.waitForEvent(
        (e) => e.call_id === callId && e.event === "call.transfer_failed",
        3000,
        "call.transfer_failed",
      );
      expect(failed).toMatchObject({ target: carol, sip_code: 486 });
      expect(await status(callId)).toBe("in_progress");

      const done = await post(callId, "transfer", { target: "sip:dave@127.0.0.1:5999" });
      expect(done.status, sippMessages(dir)).toBe(200);
      const ended = await rig.app.waitForEvent(
        (e) => e.call_id === callId && e.event === "call.ended",
        5000,
        "call.ended",
      );
      expect(ended.reason).toBe("transfer");
      expect(await status(callId)).toBe("HTTP 404");
      expect(rig.app.eventsOf(callId).filter((e) => e.event === "call.hold")).toEqual([]);
      await finish(sipp, dir);
    } finally {
      await sipp.stop();
    }
  }, 20_000);
});
