/**
 * Audio across REST hold/resume and blind transfer, through the REAL gateway process against
 * real softphones (issue #7; rest-api.md §3 hold/resume/transfer, sip.md §7–§8, websocket.md §6
 * "Hold" and §7, webhooks.md §3 call.ended reason `transfer`). The re-INVITE directions and the
 * REFER signalling are checked on the wire by control-gateway-hold.test.ts and
 * test/e2e/control-errors.test.ts; this file proves what is heard:
 *  - hold/resume: baresip alice (1 kHz) calls the trunk host; the app sends 8 s of 440 Hz and a
 *    mark after it. Local hold is `sendonly` and keeps sending (websocket.md §6), so the RTP
 *    reaching alice (captured by tshark) carries 440 Hz before, during and after the hold, and
 *    the mark is echoed on the queue's own schedule. alice answers the hold `recvonly` and goes
 *    quiet, so the socket gets no caller audio while held (§7); after the resume her 1 kHz is
 *    on the socket again. Her own recording covers only the time before the hold: baresip
 *    1.0.0's sndfile stops writing the decoded side at the first re-INVITE (the capture shows
 *    the RTP still arriving), hence the capture for the later windows.
 *  - transfer: a second baresip, bob (600 Hz, auto-answer, its own ports), listens; the REFER
 *    makes alice call bob, the gateway's call ends with reason `transfer` and its socket gets
 *    `stop`, and the two hear each other: bob's recording holds alice's 1 kHz and alice's
 *    recording of her new call holds bob's 600 Hz.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { type Baresip, readWav, startBaresip } from "../support/baresip.ts";
import { freePorts, makeTempDir, skipWithout } from "../support/peers.ts";
import { isRtp, rtpPayload } from "../support/rtp.ts";
import { capturedDatagrams, startCapture } from "../support/sipp-media.ts";
import { goertzel, tone } from "../support/tone.ts";
import { CallSocket, decodeUlaw } from "../support/ws-client.ts";

const skip = skipWithout("baresip", "tshark");
const AMPLITUDE = 16384;
/** G.711 keeps a tone within 1.5 dB; −3 dB is the floor for "heard". */
const HEARD = AMPLITUDE * 0.7;
/** Goertzel windows: 200 ms, so one lost packet cannot hide a tone. */
const WINDOW_MS = 200;
/** Margin around each hold/resume transition before a window counts. */
const EDGE_MS = 250;
/** The app's 440 Hz: long enough to span before, during and after the hold. */
const TONE_MS = 8000;
const HOLD_AFTER_MS = 2000;
const HOLD_FOR_MS = 2500;
/** PCMU payload type (RFC 3551 §6). */
const PT_PCMU = 0;

/** Goertzel amplitude of `hz` in each consecutive whole window of `pcm`. */
function levels(pcm: Int16Array, rate: number, hz: number): number[] {
  const w = (rate * WINDOW_MS) / 1000;
  const out: number[] = [];
  for (let i = 0; i + w <= pcm.length; i += w) out.push(goertzel(pcm.subarray(i, i + w), hz, rate));
  return out;
}

/** Concatenates PCM chunks. */
function join(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

interface Party {
  bs: Baresip;
  sipPort: number;
  rtpBase: number;
}

async function startParty(name: string, user: string, toneHz: number): Promise<Party> {
  const [sipPort, ctrlPort, rtpBase] = (await freePorts(3)) as [number, number, number];
  const bs = await startBaresip({
    dir: makeTempDir(`control-audio-${name}`),
    user,
    sipPort,
    ctrlPort,
    rtpPorts: [rtpBase, rtpBase + 9],
    codecs: ["pcmu"],
    answer: "auto",
    toneHz,
    // Longer than the test: aufile hangs up when its WAV ends.
    toneSeconds: 40,
  });
  return { bs, sipPort, rtpBase };
}

/** The decoded-side recordings in a baresip's `rec/` folder, oldest first. */
function decRecordings(bs: Baresip): string[] {
  return readdirSync(`${bs.dir}/rec`)
    .filter((f) => f.endsWith("-dec.wav"))
    .sort();
}

describe.skipIf(skip)("audio across hold, resume and transfer through the gateway process", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const stop of cleanup.splice(0).reverse()) await stop();
  });

  /** alice calls the gateway, the app accepts and connects its socket; the call is answered. */
  async function aliceCalls(rig: CallRig, alice: Baresip) {
    const n = rig.app.incoming.length;
    expect((await alice.ctrl.command("dial", `sip:ivr@127.0.0.1:${rig.sipPort}`)).ok).toBe(true);
    const callId = (await rig.app.waitForIncoming(n + 1, 5000)).body.call_id;
    const ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId, apiKey: rig.apiKey });
    cleanup.push(async () => ws.close());
    await alice.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
    await ws.waitFor("start", 5000);
    await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.answered", 5000);
    return { callId, ws };
  }

  async function post(rig: CallRig, callId: string, action: string, body?: unknown) {
    const res = await rig.api(`/v1/calls/${callId}/${action}`, {
      method: "POST",
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  test("local hold keeps the app's 440 Hz reaching the caller (sendonly) without delaying its mark; the caller goes quiet while held and her 1 kHz is on the socket again after resume, with the 440 Hz still reaching her", async () => {
    const rig = await startCallRig();
    cleanup.push(() => rig.stop());
    const alice = await startParty("hold-alice", "alice", 1000);
    cleanup.push(() => alice.bs.stop());
    // RTP to alice: libre may round her RTP port down to the even port below the range.
    const bpf = `udp dst portrange ${alice.rtpBase - 1}-${alice.rtpBase + 9}`;
    const capture = await startCapture(makeTempDir("control-audio-cap"), "rtp", bpf);
    cleanup.push(() => capture.stop());
    const { callId, ws } = await aliceCalls(rig, alice.bs);

    const sentAt = performance.now();
    ws.sendAudio(tone(440, 8000, (8000 * TONE_MS) / 1000, AMPLITUDE));
    ws.sendMark("end-of-440");

    await Bun.sleep(HOLD_AFTER_MS);
    const holdSent = Date.now();
    const held = await post(rig, callId, "hold");
    const holdDone = Date.now();
    const holdDoneAt = performance.now();
    expect(held.status).toBe(200);
    expect(held.body.status).toBe("on_hold");
    await Bun.sleep(HOLD_FOR_MS);
    const resumeSent = Date.now();
    const resumeSentAt = performance.now();
    const resumed = await post(rig, callId, "resume");
    const resumeDone = Date.now();
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe("in_progress");
    const resumedFrame = ws.audio.length;

    // alice answered the hold recvonly: past the jitter buffer's tail, no caller audio.
    const whileHeld = ws.audio.filter((f) => f.at > holdDoneAt + EDGE_MS && f.at < resumeSentAt);
    expect(whileHeld.length).toBe(0);
    // After the resume her 1 kHz is back: 1 s of frames, skipping the first 200 ms.
    await ws.waitForAudio(resumedFrame + 60, 5000);
    const afterResume = ws.pcm(resumedFrame + 10).subarray(0, 8000);
    const callerLevels = levels(afterResume, 8000, 1000);
    expect(callerLevels.length).toBe(5);
    for (const l of callerLevels) expect(l).toBeGreaterThan(HEARD);

    // The hold did not pause the queue: the mark comes when the 8 s have been sent, not 2.5 s later.
    const mark = await ws.waitFor("mark", TONE_MS + 3000);
    expect(mark.at - sentAt).toBeGreaterThan(TONE_MS - 250);
    expect(mark.at - sentAt).toBeLessThan(TONE_MS + 1000);
    await alice.bs.ctrl.command("hangup");
    const ended = await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.ended", 5000);
    expect(ended.reason).toBe("normal");
    expect(
      rig.app
        .eventsOf(callId)
        .filter((e) => e.event === "call.hold" || e.event === "call.resumed")
        .map((e) => `${e.event}:${String(e.by)}`),
    ).toEqual(["call.hold:local", "call.resumed:local"]);
    await alice.bs.stop();
    // tshark writes in batches: let it flush before stopping it.
    await Bun.sleep(500);
    await capture.stop();

    // What alice decoded before the hold: the app's 440 Hz.
    const recs = decRecordings(alice.bs);
    expect(recs.length).toBe(1);
    const rec = readWav(`${alice.bs.dir}/rec/${recs[0]}`);
    const recLevels = levels(rec.samples.subarray(rec.rate / 5), rec.rate, 440);
    expect(recLevels.length).toBeGreaterThanOrEqual(5);
    for (const l of recLevels) expect(l).toBeGreaterThan(HEARD);

    // What reached alice on the wire, by time window (capture clock = wall clock).
    const toAlice = capturedDatagrams(capture.path).filter(
      (d) => isRtp(d.payload, PT_PCMU) && d.dstPort !== capture.probePort,
    );
    const windowPcm = (fromMs: number, toMs: number) => {
      const packets = toAlice.filter((d) => d.timeUs / 1000 >= fromMs && d.timeUs / 1000 < toMs);
      // Continuous RTP: one 20 ms packet per tick, give or take one at each edge.
      expect(Math.abs(packets.length - (toMs - fromMs) / 20)).toBeLessThanOrEqual(2);
      return join(packets.map((d) => decodeUlaw(rtpPayload(d.payload))));
    };
    const windows = {
      beforeHold: windowPcm(holdSent - 1500, holdSent - EDGE_MS),
      duringHold: windowPcm(holdDone + EDGE_MS, resumeSent - EDGE_MS),
      afterResume: windowPcm(resumeDone + EDGE_MS, resumeDone + EDGE_MS + 2000),
    };
    for (const [name, pcm] of Object.entries(windows)) {
      const ls = levels(pcm, 8000, 440);
      expect({ name, windows: ls.length >= 5 }).toEqual({ name, windows: true });
      for (const l of ls) expect({ name, heard: l > HEARD }).toEqual({ name, heard: true });
    }
  }, 25_000);

  test("a blind transfer makes the caller call bob: the gateway's call ends with reason transfer, bob hears the caller's 1 kHz and the caller hears bob's 600 Hz", async () => {
    const rig = await startCallRig();
    cleanup.push(() => rig.stop());
    const bob = await startParty("transfer-bob", "bob", 600);
    cleanup.push(() => bob.bs.stop());
    const alice = await startParty("transfer-alice", "alice", 1000);
    cleanup.push(() => alice.bs.stop());
    const { callId, ws } = await aliceCalls(rig, alice.bs);
    ws.sendAudio(tone(440, 8000, 8000 * 10, AMPLITUDE));
    // sndfile names recordings by the second: the call to bob must start in a later one.
    await Bun.sleep(1200);
    const firstCall = decRecordings(alice.bs);
    expect(firstCall.length).toBe(1);

    const transferred = await post(rig, callId, "transfer", { target: `sip:bob@127.0.0.1:${bob.sipPort}` });
    expect(transferred.status).toBe(200);
    await bob.bs.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
    const ended = await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.ended", 5000);
    expect(ended.reason).toBe("transfer");
    await ws.waitFor("stop", 3000);
    expect((await rig.api(`/v1/calls/${callId}`)).status).toBe(404);
    // alice followed the REFER (baresip reports TRANSFER) and established a second call.
    expect(alice.bs.ctrl.events()).toContain("TRANSFER");
    expect(alice.bs.ctrl.events().filter((e) => e === "CALL_ESTABLISHED").length).toBe(2);

    await Bun.sleep(3000);
    await alice.bs.ctrl.command("hangup");
    await bob.bs.ctrl.waitEvent("CALL_CLOSED", 5000);
    await alice.bs.stop();
    await bob.bs.stop();

    const bobRecs = decRecordings(bob.bs);
    expect(bobRecs.length).toBe(1);
    const bobHeard = readWav(`${bob.bs.dir}/rec/${bobRecs[0]}`);
    const aliceRecs = decRecordings(alice.bs).filter((f) => !firstCall.includes(f));
    expect(aliceRecs.length).toBe(1);
    const aliceHeard = readWav(`${alice.bs.dir}/rec/${aliceRecs[0]}`);
    for (const [who, wav, hz] of [
      ["bob", bobHeard, 1000],
      ["alice", aliceHeard, 600],
    ] as const) {
      // Skip the first 200 ms (jitter buffer fill); ≥ 2.4 s of the 3 s talk must be there.
      const ls = levels(wav.samples.subarray(wav.rate / 5), wav.rate, hz);
      expect({ who, windows: ls.length >= 12 }).toEqual({ who, windows: true });
      for (const l of ls) expect({ who, heard: l > HEARD }).toEqual({ who, heard: true });
    }
  }, 25_000);
});
