/**
 * Mid-call media control through the REAL gateway process (rest-api.md §3 `…/play`,
 * `…/play/stop`, `…/mute`, `…/unmute`, `…/dtmf`; sip.md §9 DTMF send; webhooks.md §3
 * `call.play_finished`; websocket.md §6 play semantics). sipp calls the gateway's trunk host
 * offering PCMU and telephone-event/8000 on PT 96 (uac_wait_bye.xml: the call lasts until the
 * test's DELETE), the fake app accepts, and tshark captures what the gateway sends to sipp's
 * RTP port. The test drives the HTTP API and judges the wire: pitch of the played audio
 * (Goertzel on the decoded μ-law), its real-time pacing, silence while muted, and the RFC 4733
 * packets of a DTMF request on the negotiated payload type.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CallRig, type LifecycleEvent, startCallRig } from "../support/app-server.ts";
import type { UdpDatagram } from "../support/pcap.ts";
import { freePorts, makeTempDir, type PeerProcess, skipWithout, waitExit } from "../support/peers.ts";
import { rtpHeader } from "../support/rtp.ts";
import {
  type Capture,
  callGateway,
  capturedDatagrams,
  defaultKeys,
  sippMessages,
  startCapture,
} from "../support/sipp-media.ts";
import { dominantFrequency, goertzel, rms, tone } from "../support/tone.ts";
import { decodeUlaw } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox", "tshark");

/** sox "vol 0.5": half scale. */
const AMPLITUDE = 16384;
/** Length of the WAV served for `url` plays. */
const WAV_SECONDS = 1;
/** How far call.play_finished may be from start + duration (or from the stop), and from the last tone frame on the wire. */
const PLAY_END_TOLERANCE_MS = 60;
/** Loopback webhook delivery (one POST to the fake app on 127.0.0.1), measured as arrival − event timestamp. */
const WEBHOOK_SLACK_MS = 40;
/** sipp's offer (uac_wait_bye.xml): PCMU PT 0 and telephone-event on PT 96. */
const PCMU_PT = 0;
const TE_PT = 96;
/** The payload type the gateway offers itself (sip.md §9): must NOT be used towards sipp. */
const OWN_TE_PT = 101;

interface Live {
  readonly sipp: PeerProcess;
  readonly dir: string;
  readonly callId: string;
  readonly mediaPort: number;
  readonly capture: Capture;
}

interface Wire {
  /** Decoded μ-law of every PCMU packet the gateway sent to sipp, one 20 ms frame each. */
  readonly frames: Array<{ pcm: Int16Array; timeUs: number; ssrc: number; seq: number; ts: number }>;
  /** Every RTP packet sent to sipp's media port. */
  readonly rtp: UdpDatagram[];
}

/** True when the 20 ms frame carries a tone rather than the gateway's silence. */
function loud(pcm: Int16Array): boolean {
  return rms(pcm) > AMPLITUDE / 10;
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe.skipIf(skip)(
  "play, mute and DTMF through the gateway process (sipp caller, tshark on its RTP port)",
  () => {
    let rig: CallRig;
    let audioServer: ReturnType<typeof Bun.serve>;
    let audioBase = "";
    let deadPort = 0;
    const files = makeTempDir("control-media-files");

    beforeAll(async () => {
      rig = await startCallRig();
      // The play source: a 16 kHz STEREO 16-bit WAV of 440 Hz, made by sox (the gateway must
      // downmix and resample it to 8 kHz mono; rest-api.md `…/play` `url`).
      const wav = join(files, "tone440-16k-stereo.wav");
      const made = Bun.spawnSync([
        "sox",
        "-D",
        "-n",
        "-r",
        "16000",
        "-c",
        "2",
        "-b",
        "16",
        "-e",
        "signed",
        wav,
        "synth",
        String(WAV_SECONDS),
        "sine",
        "440",
        "vol",
        "0.5",
      ]);
      if (made.exitCode !== 0) throw new Error(`sox failed: ${made.stderr.toString()}`);
      writeFileSync(join(files, "notes.wav"), "this is a text file, not a RIFF/WAVE file\n".repeat(20));
      audioServer = Bun.serve({
        hostname: "127.0.0.1",
        port: 0,
        fetch(req) {
          const name = new URL(req.url).pathname.slice(1);
          if (name !== "tone440-16k-stereo.wav" && name !== "notes.wav")
            return new Response("", { status: 404 });
          return new Response(Bun.file(join(files, name)), { headers: { "Content-Type": "audio/wav" } });
        },
      });
      audioBase = `http://127.0.0.1:${audioServer.port}`;
      [deadPort] = await freePorts(1);
    }, 15_000);

    afterAll(async () => {
      await audioServer?.stop(true);
      await rig?.stop();
    });

    /** sipp calls, the app accepts, the call is answered, the capture runs on sipp's RTP port. */
    async function liveCall(name: string): Promise<Live> {
      const dir = makeTempDir(`control-${name}`);
      const n = rig.app.incoming.length;
      const { sipp, mediaPort } = await callGateway({
        dir,
        gatewaySipPort: rig.sipPort,
        scenario: "uac_wait_bye.xml",
        keys: defaultKeys(dir),
        timeoutS: 18,
      });
      const capture = await startCapture(dir, "rtp", `udp dst port ${mediaPort}`);
      try {
        const callId = (await rig.app.waitForIncoming(n + 1, 5000)).body.call_id;
        await rig.app.waitForEvent(
          (e) => e.call_id === callId && e.event === "call.answered",
          5000,
          "answered",
        );
        return { sipp, dir, callId, mediaPort, capture };
      } catch (e) {
        await sipp.stop();
        await capture.stop();
        const gwLog = rig.gw.proc.log().split("\n").slice(-30).join("\n");
        throw new Error(`${String(e)}\nsipp:\n${sipp.log()}${sippMessages(dir)}\ngateway (tail):\n${gwLog}`);
      }
    }

    /** DELETE the call (sipp answers the BYE and exits 0), stop the capture, read what was sent. */
    async function hangUp(live: Live): Promise<Wire> {
      try {
        expect((await rig.api(`/v1/calls/${live.callId}`, { method: "DELETE" })).status).toBe(204);
        expect(await waitExit(live.sipp, 5000), sippMessages(live.dir)).toBe(0);
      } finally {
        await live.sipp.stop();
        // tshark writes what its capture child hands over in batches: stop() waits until a last
        // probe reached the file, so the tail before it did too.
        await live.capture.stop();
      }
      const rtp = capturedDatagrams(live.capture.path).filter(
        (d) => d.dstPort === live.mediaPort && d.payload.length >= 12,
      );
      const frames = rtp
        .map((d) => ({ d, h: rtpHeader(d.payload) }))
        .filter(({ h }) => h.pt === PCMU_PT)
        .map(({ d, h }) => ({
          pcm: decodeUlaw(h.payload),
          timeUs: d.timeUs,
          ssrc: h.ssrc,
          seq: h.seq,
          ts: h.ts,
        }));
      return { frames, rtp };
    }

    function post(callId: string, action: string, body?: unknown): Promise<Response> {
      return rig.api(`/v1/calls/${callId}/${action}`, {
        method: "POST",
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
      });
    }

    /** The rest-api.md §1.4 error body. */
    async function errorOf(res: Response): Promise<{ error: string; message: string }> {
      return (await res.json()) as { error: string; message: string };
    }

    function playFinished(callId: string, playId: string, timeoutMs: number): Promise<LifecycleEvent> {
      return rig.app.waitForEvent(
        (e) => e.call_id === callId && e.event === "call.play_finished" && e.play_id === playId,
        timeoutMs,
        `call.play_finished ${playId}`,
      );
    }

    /** Arrival time of an event at the fake app, on the wall clock (ms since the epoch). */
    function arrivalWallMs(event: LifecycleEvent): number {
      const rec = rig.app.events.find((r) => r.body === event);
      return performance.timeOrigin + (rec?.at ?? Number.NaN);
    }

    test("a 16 kHz stereo WAV URL of 440 Hz goes out at 440 Hz (not 880/220), paced in real time, and call.play_finished {interrupted:false} comes within 60 ms of start + duration", async () => {
      const live = await liveCall("play-url");
      let wire: Wire;
      let playId = "";
      let respondedWall = 0;
      let finished: LifecycleEvent;
      try {
        const res = await post(live.callId, "play", { url: `${audioBase}/tone440-16k-stereo.wav` });
        respondedWall = Date.now();
        expect(res.status).toBe(200);
        const body = (await res.json()) as { play_id: string };
        expect(Object.keys(body)).toEqual(["play_id"]);
        expect(body.play_id).toMatch(/^play_\d+$/);
        playId = body.play_id;
        finished = await playFinished(live.callId, playId, 5000);
      } finally {
        wire = await hangUp(live);
      }
      expect(finished.interrupted).toBe(false);
      // The event's own timestamp (time it happened, webhooks.md §3) against the expected end of
      // play-out, then its delivery to the app.
      const happened = Date.parse(finished.timestamp);
      const expectedEnd = respondedWall + WAV_SECONDS * 1000;
      expect(Math.abs(happened - expectedEnd)).toBeLessThanOrEqual(PLAY_END_TOLERANCE_MS);
      expect(arrivalWallMs(finished) - happened).toBeLessThanOrEqual(WEBHOOK_SLACK_MS);

      const toneFrames = wire.frames.filter((f) => loud(f.pcm));
      // 1 s of audio = 50 frames of 20 ms (one partial frame at most is padded).
      expect(toneFrames.length).toBeGreaterThanOrEqual(49);
      expect(toneFrames.length).toBeLessThanOrEqual(51);
      const first = toneFrames[0]!;
      const last = toneFrames.at(-1)!;
      // Real-time pacing on the wire: the last tone frame leaves ~980 ms after the first.
      expect((last.timeUs - first.timeUs) / 1000).toBeGreaterThan(WAV_SECONDS * 1000 - 20 - 40);
      expect((last.timeUs - first.timeUs) / 1000).toBeLessThan(WAV_SECONDS * 1000 - 20 + 40);
      // play_finished fires once the last frame has actually been sent (websocket.md §6).
      expect(Math.abs(happened - last.timeUs / 1000)).toBeLessThanOrEqual(PLAY_END_TOLERANCE_MS);

      const pcm = concat(toneFrames.slice(2, -2).map((f) => f.pcm));
      const at440 = goertzel(pcm, 440, 8000);
      expect(at440).toBeGreaterThan(AMPLITUDE * 0.84); // −1.5 dB: the downmix of two equal channels keeps the level
      expect(at440).toBeLessThan(AMPLITUDE * 1.19);
      expect(goertzel(pcm, 880, 8000)).toBeLessThan(at440 / 30); // 16 kHz read as 8 kHz would double the pitch
      expect(goertzel(pcm, 220, 8000)).toBeLessThan(at440 / 30); // stereo read as mono would halve it
      expect(Math.abs(dominantFrequency(pcm, 8000, 100, 2000, 5) - 440)).toBeLessThanOrEqual(5);
    }, 20_000);

    test("a loop_count 0 play repeats until /play/stop, which answers 200 {play_id}, silences at once and reports call.play_finished {interrupted:true}; a second stop is 404", async () => {
      const live = await liveCall("play-loop");
      let wire: Wire;
      let stoppedWall = 0;
      let playId = "";
      try {
        const res = await post(live.callId, "play", {
          url: `${audioBase}/tone440-16k-stereo.wav`,
          loop_count: 0,
        });
        expect(res.status).toBe(200);
        playId = ((await res.json()) as { play_id: string }).play_id;
        // Past the end of one pass of the 1 s file: still playing, nothing finished.
        await Bun.sleep(WAV_SECONDS * 1000 + 600);
        expect(rig.app.eventsOf(live.callId).filter((e) => e.event === "call.play_finished")).toEqual([]);
        const stop = await post(live.callId, "play/stop");
        stoppedWall = Date.now();
        expect(stop.status).toBe(200);
        expect(await stop.json()).toEqual({ play_id: playId });
        const finished = await playFinished(live.callId, playId, 2000);
        expect(finished.interrupted).toBe(true);
        expect(Math.abs(Date.parse(finished.timestamp) - stoppedWall)).toBeLessThanOrEqual(
          PLAY_END_TOLERANCE_MS,
        );
        const again = await post(live.callId, "play/stop");
        expect(again.status).toBe(404);
        expect((await errorOf(again)).error).toBe("not_found");
        await Bun.sleep(200);
      } finally {
        wire = await hangUp(live);
      }
      const toneFrames = wire.frames.filter((f) => loud(f.pcm));
      // 1.6 s of a 1 s file: the loop went round (more than one pass of 50 frames).
      expect(toneFrames.length).toBeGreaterThan(70);
      // Nothing audible after the stop (one frame may be in flight).
      expect(toneFrames.at(-1)!.timeUs / 1000).toBeLessThanOrEqual(stoppedWall + 20);
      const pcm = concat(toneFrames.slice(2, -2).map((f) => f.pcm));
      expect(Math.abs(dominantFrequency(pcm, 8000, 100, 2000, 5) - 440)).toBeLessThanOrEqual(5);
    }, 20_000);

    test("refused plays: nothing playing → /play/stop 404; a text file as WAV → 400 naming RIFF/WAVE; an unreachable URL → 502; url and audio together → 400; unknown call → 404; nothing is sent", async () => {
      const live = await liveCall("play-refused");
      let wire: Wire;
      try {
        const idle = await post(live.callId, "play/stop");
        expect(idle.status).toBe(404);
        expect((await errorOf(idle)).error).toBe("not_found");

        const text = await post(live.callId, "play", { url: `${audioBase}/notes.wav` });
        expect(text.status).toBe(400);
        const textErr = await errorOf(text);
        expect(textErr.error).toBe("invalid_request");
        expect(textErr.message).toMatch(/RIFF|WAVE/);

        const dead = await post(live.callId, "play", { url: `http://127.0.0.1:${deadPort}/tone.wav` });
        expect(dead.status).toBe(502);
        expect((await errorOf(dead)).error).toBe("bad_gateway");

        const missing = await post(live.callId, "play", { url: `${audioBase}/absent.wav` });
        expect(missing.status).toBe(502);

        const both = await post(live.callId, "play", {
          url: `${audioBase}/tone440-16k-stereo.wav`,
          audio: Buffer.from(new Int16Array(160).buffer).toString("base64"),
        });
        expect(both.status).toBe(400);

        const unknown = await post("CA00000000000000000000000000000000", "play", {
          url: `${audioBase}/tone440-16k-stereo.wav`,
        });
        expect(unknown.status).toBe(404);
        await Bun.sleep(200);
        expect(rig.app.eventsOf(live.callId).filter((e) => e.event === "call.play_finished")).toEqual([]);
      } finally {
        wire = await hangUp(live);
      }
      expect(wire.frames.filter((f) => loud(f.pcm))).toEqual([]);
    }, 20_000);

    test("inline audio (base64 PCM16 LE, 8 kHz mono, 0.5 s of 1 kHz) plays: 200 {play_id}, the caller receives 1 kHz, then call.play_finished {interrupted:false}", async () => {
      const live = await liveCall("play-inline");
      let wire: Wire;
      let finished: LifecycleEvent;
      let respondedWall = 0;
      try {
        const pcm = tone(1000, 8000, 4000, AMPLITUDE);
        const res = await post(live.callId, "play", { audio: Buffer.from(pcm.buffer).toString("base64") });
        respondedWall = Date.now();
        expect(res.status).toBe(200);
        const { play_id } = (await res.json()) as { play_id: string };
        expect(play_id).toMatch(/^play_\d+$/);
        finished = await playFinished(live.callId, play_id, 3000);
      } finally {
        wire = await hangUp(live);
      }
      expect(finished.interrupted).toBe(false);
      expect(Math.abs(Date.parse(finished.timestamp) - (respondedWall + 500))).toBeLessThanOrEqual(
        PLAY_END_TOLERANCE_MS,
      );
      const toneFrames = wire.frames.filter((f) => loud(f.pcm));
      expect(toneFrames.length).toBe(25);
      const heard = concat(toneFrames.map((f) => f.pcm));
      expect(goertzel(heard, 1000, 8000)).toBeGreaterThan(AMPLITUDE * 0.84);
      expect(Math.abs(dominantFrequency(heard, 8000, 100, 3000, 5) - 1000)).toBeLessThanOrEqual(5);
    }, 20_000);

    test("mute and unmute answer 200 with the call object, twice each; a play while muted goes out as silence yet keeps its timing, and is heard from the unmute on", async () => {
      const live = await liveCall("mute");
      let wire: Wire;
      let playWall = 0;
      let unmuteWall = 0;
      let finished: LifecycleEvent;
      try {
        for (let i = 0; i < 2; i++) {
          const muted = await post(live.callId, "mute");
          expect(muted.status).toBe(200);
          expect(await muted.json()).toMatchObject({ call_id: live.callId, status: "in_progress" });
        }
        const pcm = tone(440, 8000, 12000, AMPLITUDE); // 1.5 s
        const res = await post(live.callId, "play", { audio: Buffer.from(pcm.buffer).toString("base64") });
        playWall = Date.now();
        expect(res.status).toBe(200);
        const { play_id } = (await res.json()) as { play_id: string };
        await Bun.sleep(600);
        for (let i = 0; i < 2; i++) {
          const unmuted = await post(live.callId, "unmute");
          if (i === 0) unmuteWall = Date.now();
          expect(unmuted.status).toBe(200);
          expect(await unmuted.json()).toMatchObject({ call_id: live.callId, status: "in_progress" });
        }
        finished = await playFinished(live.callId, play_id, 3000);
        expect((await post("CA00000000000000000000000000000000", "mute")).status).toBe(404);
        expect((await post("CA00000000000000000000000000000000", "unmute")).status).toBe(404);
      } finally {
        wire = await hangUp(live);
      }
      // Muting replaces audio, it does not pause the play (rest-api.md: queues keep draining).
      expect(finished.interrupted).toBe(false);
      expect(Math.abs(Date.parse(finished.timestamp) - (playWall + 1500))).toBeLessThanOrEqual(
        PLAY_END_TOLERANCE_MS,
      );
      const duringMute = wire.frames.filter((f) => f.timeUs / 1000 < unmuteWall - 20);
      const afterUnmute = wire.frames.filter((f) => f.timeUs / 1000 > unmuteWall + 20);
      // Silence is sent, not nothing: the 20 ms packets keep flowing while muted (~600 ms of them).
      expect(duringMute.length).toBeGreaterThanOrEqual(24);
      expect(duringMute.filter((f) => loud(f.pcm))).toEqual([]);
      const heard = afterUnmute.filter((f) => loud(f.pcm));
      // ~0.9 s of the 1.5 s play is left after the unmute (600 ms + request time muted).
      expect(heard.length).toBeGreaterThan(35);
      expect(heard.length).toBeLessThan(50);
      const pcm = concat(heard.map((f) => f.pcm));
      expect(Math.abs(dominantFrequency(pcm, 8000, 100, 2000, 5) - 440)).toBeLessThanOrEqual(5);
    }, 20_000);

    test('DTMF digits "12x", "" and 33 digits answer 400 naming digits, and no telephone-event packet is sent', async () => {
      const live = await liveCall("dtmf-bad");
      let wire: Wire;
      try {
        for (const digits of ["12x", "", "1".repeat(33)]) {
          const res = await post(live.callId, "dtmf", { digits });
          expect({ digits, status: res.status }).toEqual({ digits, status: 400 });
          const body = await errorOf(res);
          expect(body.error).toBe("invalid_request");
          expect(body.message).toContain("digits");
        }
        expect((await post("CA00000000000000000000000000000000", "dtmf", { digits: "1" })).status).toBe(404);
        // Longer than the first digit would take to go out if it had been sent.
        await Bun.sleep(400);
      } finally {
        wire = await hangUp(live);
      }
      const te = wire.rtp.filter((d) => [TE_PT, OWN_TE_PT].includes(rtpHeader(d.payload).pt));
      expect(te).toEqual([]);
    }, 20_000);

    test('DTMF "1#" answers 200 after ~400 ms; the caller receives RFC 4733 events on sipp\'s PT 96 (never 101): one timestamp per digit, volume 10, 3 end packets, same SSRC and continuing sequence numbers as the audio', async () => {
      const live = await liveCall("dtmf-ok");
      let wire: Wire;
      let elapsed = 0;
      try {
        // A short play first, so the stream has audio packets to compare SSRC and sequence with.
        const pcm = tone(440, 8000, 1600, AMPLITUDE);
        const played = await post(live.callId, "play", { audio: Buffer.from(pcm.buffer).toString("base64") });
        expect(played.status).toBe(200);
        const { play_id } = (await played.json()) as { play_id: string };
        await playFinished(live.callId, play_id, 3000);
        const started = performance.now();
        const res = await post(live.callId, "dtmf", { digits: "1#" });
        elapsed = performance.now() - started;
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ call_id: live.callId, status: "in_progress" });
      } finally {
        wire = await hangUp(live);
      }
      // rest-api.md: responds after the last digit has been sent, ~200 ms per digit.
      expect(elapsed).toBeGreaterThan(250);
      expect(elapsed).toBeLessThan(800);

      const packets = wire.rtp.map((d) => rtpHeader(d.payload));
      expect(packets.filter((p) => p.pt === OWN_TE_PT)).toEqual([]);
      const te = packets.filter((p) => p.pt === TE_PT);
      const audio = packets.filter((p) => p.pt === PCMU_PT);
      expect(audio.length).toBeGreaterThan(0);
      expect(te.length).toBeGreaterThan(0);
      // RFC 4733 §2.3: event, E|R|volume, duration.
      const events = te.map((p) => ({
        ts: p.ts,
        marker: p.marker,
        event: p.payload[0]!,
        end: (p.payload[1]! & 0x80) !== 0,
        volume: p.payload[1]! & 0x3f,
        duration: (p.payload[2]! << 8) | p.payload[3]!,
      }));
      const stamps = [...new Set(events.map((e) => e.ts))];
      expect(stamps).toHaveLength(2);
      const digits = stamps.map((ts) => events.find((e) => e.ts === ts)!.event);
      expect(digits).toEqual([1, 11]); // "1" and "#" (RFC 4733 §3.2 table 3)
      for (const ts of stamps) {
        const one = events.filter((e) => e.ts === ts);
        expect(one.filter((e) => e.end)).toHaveLength(3);
        // RFC 4733 §2.5.1.3: the marker bit on the first packet of the event only.
        expect(one.map((e) => e.marker)).toEqual(one.map((_, i) => i === 0));
        expect(new Set(one.map((e) => e.volume))).toEqual(new Set([10]));
        // ~100 ms of tone at 8 kHz; durations never go down.
        const last = one.at(-1)!.duration;
        expect(last).toBeGreaterThanOrEqual(640);
        expect(last).toBeLessThanOrEqual(960);
        expect(one.map((e) => e.duration)).toEqual(one.map((e) => e.duration).toSorted((a, b) => a - b));
      }
      // sip.md §9: same SSRC as the audio, sequence numbers continuing from it.
      expect(new Set(te.map((p) => p.ssrc))).toEqual(new Set([audio[0]!.ssrc]));
      const seqs = packets.filter((p) => p.pt === PCMU_PT || p.pt === TE_PT).map((p) => p.seq);
      for (let i = 1; i < seqs.length; i++) expect((seqs[i]! - seqs[i - 1]! + 65536) % 65536).toBe(1);
    }, 20_000);

    test("a new play interrupts the running one (call.play_finished {interrupted:true} for the old, false for the new), and hanging up mid-play reports interrupted:true before call.ended", async () => {
      const live = await liveCall("play-replace");
      let wire: Wire;
      const ids: string[] = [];
      try {
        const first = await post(live.callId, "play", {
          url: `${audioBase}/tone440-16k-stereo.wav`,
          loop_count: 0,
        });
        expect(first.status).toBe(200);
        ids.push(((await first.json()) as { play_id: string }).play_id);
        await Bun.sleep(300);
        const pcm = tone(1000, 8000, 2400, AMPLITUDE); // 0.3 s
        const second = await post(live.callId, "play", { audio: Buffer.from(pcm.buffer).toString("base64") });
        expect(second.status).toBe(200);
        ids.push(((await second.json()) as { play_id: string }).play_id);
        expect((await playFinished(live.callId, ids[0]!, 1000)).interrupted).toBe(true);
        expect((await playFinished(live.callId, ids[1]!, 2000)).interrupted).toBe(false);
        const third = await post(live.callId, "play", {
          url: `${audioBase}/tone440-16k-stereo.wav`,
          loop_count: 0,
        });
        expect(third.status).toBe(200);
        ids.push(((await third.json()) as { play_id: string }).play_id);
        await Bun.sleep(200);
      } finally {
        wire = await hangUp(live);
      }
      // Process-wide counter (rest-api.md `…/play`): strictly increasing ids.
      const numbers = ids.map((id) => Number(id.slice("play_".length)));
      expect(numbers).toEqual(numbers.toSorted((a, b) => a - b));
      expect(new Set(numbers).size).toBe(3);
      await rig.app.waitForEvent((e) => e.call_id === live.callId && e.event === "call.ended", 3000);
      const tail = rig.app
        .eventsOf(live.callId)
        .filter((e) => e.event === "call.play_finished" || e.event === "call.ended")
        .map((e) =>
          e.event === "call.ended" ? `ended:${e.reason}` : `${String(e.play_id)}:${String(e.interrupted)}`,
        );
      expect(tail).toEqual([`${ids[0]}:true`, `${ids[1]}:false`, `${ids[2]}:true`, "ended:local"]);
      // The 1 kHz replacement was heard right after the 440 Hz it cut off.
      const loudFrames = wire.frames.filter((f) => loud(f.pcm));
      const kHz = loudFrames.filter((f) => goertzel(f.pcm, 1000, 8000) > AMPLITUDE / 2);
      expect(kHz.length).toBeGreaterThanOrEqual(14);
      expect(kHz.length).toBeLessThanOrEqual(16);
    }, 20_000);
  },
);
