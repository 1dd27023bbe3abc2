/**
 * Remote hold and resume by re-INVITE with sipp as the caller (sip.md §7, websocket.md §6,
 * webhooks.md §3, rest-api.md §2): sipp calls the real gateway, then re-INVITEs the call on
 * hold (`a=sendonly`, `a=inactive`, or RFC 2543's `c=IN IP4 0.0.0.0`) and back to `a=sendrecv`.
 * The scenario itself checks the SDP of both 200s (ereg check_it: `recvonly`/`inactive`, then
 * `sendrecv`); the test checks the app's `call.hold {by: "remote"}` then `call.resumed
 * {by: "remote"}`, `on_hold` on GET /v1/calls/{id} while held, and that the WebSocket's
 * outbound queue waits during the hold (a mark queued then is echoed only after the resume);
 * with tshark, that no RTP goes to sipp between the recvonly 200 and the resume and that the
 * 440 Hz queued during the hold goes out after it. Also a re-INVITE that only switches codec
 * (PCMU → PCMA, uac_reinvite_codec.xml): answered with PCMA, no event, media continues in PCMA.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ALAW_DECODE } from "../../src/codec/g711-tables.ts";
import type { CallRig, LifecycleEvent } from "../support/app-server.ts";
import { startCallRig } from "../support/app-server.ts";
import type { UdpDatagram } from "../support/pcap.ts";
import { freePorts, makeTempDir, type PeerProcess, skipWithout, waitExit } from "../support/peers.ts";
import {
  type Capture,
  capturedDatagrams,
  defaultKeys,
  makeToneFile,
  rtpPayloads,
  scenarioCopy,
  sippMediaPort,
  sippMessages,
  startCapture,
  startSipp,
} from "../support/sipp-media.ts";
import { peakLevel, tone } from "../support/tone.ts";
import { CallSocket, decodeUlaw } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox");
/** How long uac_reinvite_hold.xml keeps the call held (after its 1.5 s of talk). */
const HOLD_MS = 2500;

interface HoldVariant {
  /** What the hold re-INVITE says. */
  address: "[media_ip]" | "0.0.0.0";
  direction: "sendonly" | "inactive" | "sendrecv";
  /** The direction the gateway must answer with (RFC 3264 §6.1 mirror image). */
  expect: "recvonly" | "inactive";
}

interface HeldCall {
  sipp: PeerProcess;
  dir: string;
  callId: string;
  ws: CallSocket;
  mediaPort: number;
  /** tshark on the gateway's SIP port and on RTP to sipp, when asked for. */
  capture: Capture | undefined;
}

async function callAndHold(rig: CallRig, v: HoldVariant, name: string, capture = false): Promise<HeldCall> {
  const dir = makeTempDir(`calls-hold-${name}`);
  const mediaPort = await sippMediaPort();
  const [sipPort, ctrlPort] = (await freePorts(2, [mediaPort, mediaPort + 2])) as [number, number];
  let cap: HeldCall["capture"];
  if (capture) {
    const bpf = `udp src port ${rig.sipPort} or udp dst port ${mediaPort}`;
    cap = await startCapture(dir, "hold", bpf);
  }
  const n = rig.app.incoming.length;
  const placeholders = {
    HOLD_ADDRESS: v.address,
    HOLD_DIRECTION: v.direction,
    EXPECT_HOLD: v.expect,
    HOLD_MS: String(HOLD_MS),
  };
  const sipp = startSipp({
    dir,
    target: { host: "127.0.0.1", port: rig.sipPort },
    scenario: scenarioCopy(dir, "uac_reinvite_hold.xml", placeholders),
    sipPort,
    mediaPort,
    ctrlPort,
    keys: defaultKeys(dir),
    timeoutS: 15,
  });
  const req = await rig.app.waitForIncoming(n + 1, 5000);
  const ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId: req.body.call_id, apiKey: rig.apiKey });
  await ws.waitFor("start", 5000);
  return { sipp, dir, callId: req.body.call_id, ws, mediaPort, capture: cap };
}

/** Capture time (µs) of the gateway's first 200 to the re-INVITE with CSeq `cseq`. */
function okAt(datagrams: readonly UdpDatagram[], sipPort: number, cseq: number): number {
  const d = datagrams.find((x) => {
    if (x.srcPort !== sipPort) return false;
    const text = new TextDecoder().decode(x.payload);
    return text.startsWith("SIP/2.0 200") && new RegExp(`^CSeq:\\s*${cseq} INVITE`, "im").test(text);
  });
  if (d === undefined) throw new Error(`no 200 for CSeq ${cseq} INVITE in the capture`);
  return d.timeUs;
}

async function callStatus(rig: CallRig, callId: string): Promise<string | undefined> {
  const res = await rig.api(`/v1/calls/${callId}`);
  if (res.status !== 200) return `HTTP ${res.status}`;
  const body = (await res.json()) as { status?: string };
  return body.status;
}

function holdEvents(rig: CallRig, callId: string): Array<Pick<LifecycleEvent, "event"> & { by: unknown }> {
  return rig.app
    .eventsOf(callId)
    .filter((e) => e.event === "call.hold" || e.event === "call.resumed")
    .map((e) => ({ event: e.event, by: e.by }));
}

/** Arrival time (performance.now()) at the fake app of the call's first `event`. */
function arrivedAt(rig: CallRig, callId: string, event: string): number {
  return rig.app.events.find((e) => e.body.call_id === callId && e.body.event === event)?.at ?? Number.NaN;
}

describe.skipIf(skip)("remote hold and resume by re-INVITE (sipp caller)", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  }, 15_000); // the gateway process starts slowly on a loaded box
  afterAll(async () => {
    await rig?.stop();
  });

  test("a=sendonly re-INVITE is answered a=recvonly, the app gets call.hold {by: remote}, GET shows on_hold, no RTP goes out while held, and audio + mark queued meanwhile wait for the a=sendrecv resume", async () => {
    const call = await callAndHold(
      rig,
      { address: "[media_ip]", direction: "sendonly", expect: "recvonly" },
      "sendonly",
      !skipWithout("tshark"),
    );
    try {
      const held = await rig.app.waitForEvent(
        (e) => e.call_id === call.callId && e.event === "call.hold",
        5000,
        "call.hold",
      );
      expect(held.by).toBe("remote");
      expect(await callStatus(rig, call.callId)).toBe("on_hold");

      // websocket.md §6: while the remote holds, the outbound queue is paused and marks wait.
      call.ws.sendAudio(tone(440, 8000, 3200, 8000));
      call.ws.sendMark("queued-on-hold");
      const resumed = await rig.app.waitForEvent(
        (e) => e.call_id === call.callId && e.event === "call.resumed",
        HOLD_MS + 3000,
        "call.resumed",
      );
      expect(resumed.by).toBe("remote");
      const resumedAt = arrivedAt(rig, call.callId, "call.resumed");
      expect(await callStatus(rig, call.callId)).toBe("in_progress");
      const mark = await call.ws.waitFor("mark", 3000);
      expect(mark.message.mark).toEqual({ name: "queued-on-hold" });
      // 400 ms of queued audio plays out after the resume before the mark is echoed.
      expect(mark.at).toBeGreaterThan(resumedAt);

      expect(await waitExit(call.sipp, 8000), sippMessages(call.dir)).toBe(0);
      await call.ws.waitFor("stop", 3000);
      const ended = await rig.app.waitForEvent(
        (e) => e.call_id === call.callId && e.event === "call.ended",
        3000,
      );
      expect(ended.reason).toBe("normal");
      expect(holdEvents(rig, call.callId)).toEqual([
        { event: "call.hold", by: "remote" },
        { event: "call.resumed", by: "remote" },
      ]);
    } finally {
      call.ws.close();
      await call.sipp.stop();
      await call.capture?.stop();
    }
    if (call.capture === undefined) return;
    // RFC 3264 §6.1: answered recvonly, the gateway sends no RTP until the resume; then the
    // 440 Hz queued during the hold goes out.
    const datagrams = capturedDatagrams(call.capture.path);
    const heldAt = okAt(datagrams, rig.sipPort, 2);
    const resumedAt = okAt(datagrams, rig.sipPort, 3);
    const rtp = datagrams.filter((d) => d.dstPort === call.mediaPort);
    const payloadsOf = (from: number, to: number) =>
      rtpPayloads(
        rtp.filter((d) => d.timeUs > from && d.timeUs < to),
        call.mediaPort,
        0,
      );
    expect(payloadsOf(0, heldAt).length).toBeGreaterThan(40);
    expect(payloadsOf(heldAt + 100_000, resumedAt)).toEqual([]);
    const after = payloadsOf(resumedAt, Number.POSITIVE_INFINITY);
    expect(after.length).toBeGreaterThan(25);
    expect(peakLevel(decodeUlaw(Buffer.concat(after)), 440)).toBeGreaterThan(8000 * 0.71);
  }, 20_000);

  test.skipIf(skipWithout("tshark"))(
    "a re-INVITE that only switches PCMU → PCMA is answered with PCMA, raises no hold event, and audio keeps flowing both ways in the new codec",
    async () => {
      const dir = makeTempDir("calls-reinvite-codec");
      const mediaPort = await sippMediaPort();
      const [sipPort, ctrlPort] = (await freePorts(2, [mediaPort, mediaPort + 2])) as [number, number];
      const cap = await startCapture(
        dir,
        "codec",
        `udp src port ${rig.sipPort} or udp dst port ${mediaPort}`,
      );
      const pcma = makeToneFile(join(dir, "tone1k.alaw"), "pcma", 1000, 10);
      const n = rig.app.incoming.length;
      const sipp = startSipp({
        dir,
        target: { host: "127.0.0.1", port: rig.sipPort },
        scenario: scenarioCopy(dir, "uac_reinvite_codec.xml"),
        sipPort,
        mediaPort,
        ctrlPort,
        keys: { ...defaultKeys(dir), rtp_audio_pcma: `${pcma},-1,8` },
        timeoutS: 15,
      });
      let ws: CallSocket | undefined;
      let callId = "";
      try {
        const req = await rig.app.waitForIncoming(n + 1, 5000);
        callId = req.body.call_id;
        ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId, apiKey: rig.apiKey });
        await ws.waitFor("start", 5000);
        ws.sendAudio(tone(440, 8000, 8000 * 4, 8000));
        // The scenario's ereg fails the call unless the 200 lists PCMA (8) and no PCMU.
        expect(await waitExit(sipp, 10_000), sippMessages(dir)).toBe(0);
        await ws.waitFor("stop", 3000);
      } finally {
        ws?.close();
        await sipp.stop();
        await cap.stop();
      }
      expect(holdEvents(rig, callId)).toEqual([]);
      // The caller's 1 kHz is heard through the switch: the last second came in as PCMA.
      expect(peakLevel(ws.pcm(ws.audio.length - 50), 1000)).toBeGreaterThan(16384 * 0.84);

      const datagrams = capturedDatagrams(cap.path);
      const switchedAt = okAt(datagrams, rig.sipPort, 2);
      const rtp = datagrams.filter((d) => d.dstPort === mediaPort);
      const before = rtp.filter((d) => d.timeUs < switchedAt);
      const after = rtp.filter((d) => d.timeUs > switchedAt + 100_000);
      expect(rtpPayloads(before, mediaPort, 0).length).toBeGreaterThan(40);
      expect(rtpPayloads(before, mediaPort, 8)).toEqual([]);
      const pcmaOut = rtpPayloads(after, mediaPort, 8);
      expect(pcmaOut.length).toBeGreaterThan(50);
      expect(rtpPayloads(after, mediaPort, 0)).toEqual([]);
      const heard = Int16Array.from(Buffer.concat(pcmaOut), (b) => ALAW_DECODE[b]!);
      expect(peakLevel(heard, 440)).toBeGreaterThan(8000 * 0.71);
    },
    20_000,
  );

  const variants: Array<[string, HoldVariant]> = [
    [
      "a=inactive re-INVITE is answered a=inactive",
      { address: "[media_ip]", direction: "inactive", expect: "inactive" },
    ],
    [
      "c=IN IP4 0.0.0.0 re-INVITE (RFC 2543 hold, a=sendrecv) is answered a=recvonly",
      { address: "0.0.0.0", direction: "sendrecv", expect: "recvonly" },
    ],
  ];
  for (const [name, variant] of variants)
    test(`${name}: call.hold {by: remote}, on_hold while held, then call.resumed {by: remote} and in_progress`, async () => {
      const call = await callAndHold(rig, variant, variant.direction);
      try {
        await rig.app.waitForEvent(
          (e) => e.call_id === call.callId && e.event === "call.hold",
          5000,
          "call.hold",
        );
        expect(await callStatus(rig, call.callId)).toBe("on_hold");
        await rig.app.waitForEvent(
          (e) => e.call_id === call.callId && e.event === "call.resumed",
          HOLD_MS + 3000,
          "call.resumed",
        );
        expect(await callStatus(rig, call.callId)).toBe("in_progress");
        expect(await waitExit(call.sipp, 8000), sippMessages(call.dir)).toBe(0);
        expect(holdEvents(rig, call.callId)).toEqual([
          { event: "call.hold", by: "remote" },
          { event: "call.resumed", by: "remote" },
        ]);
      } finally {
        call.ws.close();
        await call.sipp.stop();
      }
    }, 20_000);
});
