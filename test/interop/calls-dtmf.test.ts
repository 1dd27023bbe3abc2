/**
 * DTMF received from real peers (sip.md §9, websocket.md §3 `dtmf`, webhooks.md §3
 * `call.dtmf`): RFC 4733 telephone-events on the payload type the caller negotiated are
 * reported once per key press, in order, on the WebSocket and to the app's webhook.
 * - baresip `sndcode 159#` during a call (its own telephone-event payload type);
 * - sipp `play_dtmf` (uac_dtmf.xml) on PT 96 — not the 101 we offer ourselves — preceded by
 *   sipp's 20 PT 97 "noop" packets; a tshark capture shows the events really went out on 96;
 * - sipp SIP INFO (application/dtmf-relay, application/dtmf; other bodies answered and ignored).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { type BaresipCodec, startBaresip } from "../support/baresip.ts";
import type { UdpDatagram } from "../support/pcap.ts";
import { freePorts, makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import { isRtp } from "../support/rtp.ts";
import {
  capturedDatagrams,
  defaultKeys,
  scenarioCopy,
  sippMediaPort,
  sippMessages,
  startCapture,
  startSipp,
} from "../support/sipp-media.ts";
import { CallSocket } from "../support/ws-client.ts";

const DIGITS = ["1", "5", "9", "#"];
/** Quiet time after the last digit in which a duplicate report would show up. */
const SETTLE_MS = 800;

function wsDigits(ws: CallSocket): string[] {
  return ws.messages("dtmf").map((m) => m.dtmf?.digit ?? "?");
}

function webhookDigits(rig: CallRig, callId: string): string[] {
  return rig.app
    .eventsOf(callId)
    .filter((e) => e.event === "call.dtmf")
    .map((e) => e.digit ?? "?");
}

/** RTP packets of payload type `pt` sent from `srcPort`, in capture order. */
function rtpFrom(datagrams: readonly UdpDatagram[], srcPort: number, pt: number): Uint8Array[] {
  return datagrams.filter((d) => d.srcPort === srcPort && isRtp(d.payload, pt)).map((d) => d.payload);
}

/** Event codes of the RFC 4733 §2.3 end packets (E bit set) among `packets`. */
function telephoneEventEnds(packets: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  for (const b of packets) {
    const ev = 12 + (b[0]! & 0x0f) * 4;
    if (b.length >= ev + 4 && (b[ev + 1]! & 0x80) !== 0) out.push(b[ev]!);
  }
  return out;
}

/**
 * Free ports for baresip: SIP, ctrl_tcp, first RTP port. baresip 1.0.0 also binds TLS on TCP
 * SIP + 1 and fails to start when that is taken (freePorts often hands out neighbours of the
 * gateway's own ports), so SIP + 1 must be free too.
 */
async function baresipPorts(): Promise<[number, number, number]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const [sip, ctrl, rtp] = (await freePorts(3)) as [number, number, number];
    const tls = sip + 1;
    if (tls === ctrl || (tls >= rtp && tls <= rtp + 10)) continue;
    try {
      Bun.listen({ hostname: "127.0.0.1", port: tls, socket: { data() {} } }).stop(true);
      return [sip, ctrl, rtp];
    } catch {
      // taken: try other ports
    }
  }
  throw new Error("no free SIP port with a free TLS neighbour");
}

/** Waits for all four digits on the socket, then a quiet spell, and checks both reports. */
async function expectDigitsOnce(rig: CallRig, ws: CallSocket, callId: string): Promise<void> {
  await ws.until(() => ws.messages("dtmf").length >= DIGITS.length, 6000, "four dtmf messages");
  await Bun.sleep(SETTLE_MS);
  expect(wsDigits(ws)).toEqual(DIGITS);
  for (const m of ws.messages("dtmf")) expect(m.dtmf?.track).toBe("inbound_track");
  await rig.app.waitForEvent(
    () => webhookDigits(rig, callId).length >= DIGITS.length,
    3000,
    "four call.dtmf events",
  );
  expect(webhookDigits(rig, callId)).toEqual(DIGITS);
}

describe("DTMF from real callers (RFC 4733 and SIP INFO) reaches the app once per key press", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  }, 15_000); // the gateway process starts slowly on a loaded box
  afterAll(async () => {
    await rig?.stop();
  });

  const codecs: BaresipCodec[] = ["pcmu", "g722", "opus"];
  for (const codec of codecs)
    test.skipIf(skipWithout("baresip"))(
      `baresip (${codec}) sndcode 159# → dtmf messages 1, 5, 9, # exactly once each in order, and four call.dtmf webhooks in the same order`,
      async () => {
        const [sipPort, ctrlPort, rtpBase] = await baresipPorts();
        const bs = await startBaresip({
          dir: makeTempDir("calls-dtmf-baresip"),
          sipPort: sipPort!,
          ctrlPort: ctrlPort!,
          rtpPorts: [rtpBase!, rtpBase! + 9],
          codecs: [codec],
          toneSeconds: 15,
        });
        let ws: CallSocket | undefined;
        try {
          const n = rig.app.incoming.length;
          expect((await bs.ctrl.command("dial", `sip:echo@127.0.0.1:${rig.sipPort}`)).ok).toBe(true);
          const req = await rig.app.waitForIncoming(n + 1, 5000);
          const callId = req.body.call_id;
          ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId, apiKey: rig.apiKey });
          await bs.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
          await ws.waitForAudio(10, 5000);
          expect((await bs.ctrl.command("sndcode", "159#")).ok).toBe(true);
          await expectDigitsOnce(rig, ws, callId);
          await bs.ctrl.command("hangup");
          await ws.waitFor("stop", 5000);
          // The digits were events, not audio: the stream ended normally after them.
          const ended = await rig.app.waitForEvent(
            (e) => e.call_id === callId && e.event === "call.ended",
            5000,
          );
          expect(ended.reason).toBe("normal");
        } finally {
          ws?.close();
          await bs.stop();
        }
      },
      20_000,
    );

  test.skipIf(skipWithout("sipp", "sox", "tshark"))(
    "sipp play_dtmf 159# on the negotiated PT 96 (after PT 97 noops) → dtmf 1, 5, 9, # once each in order on the socket and as call.dtmf",
    async () => {
      const dir = makeTempDir("calls-dtmf-sipp");
      const n = rig.app.incoming.length;
      const mediaPort = await sippMediaPort();
      const [sipPort, ctrlPort] = (await freePorts(2, [mediaPort, mediaPort + 2])) as [number, number];
      // Capture first (and until it is live): sipp's PT 97 noops follow the answer within 1 s.
      const cap = await startCapture(dir, "dtmf", `udp src port ${mediaPort}`);
      const sipp = startSipp({
        dir,
        target: { host: "127.0.0.1", port: rig.sipPort },
        scenario: scenarioCopy(dir, "uac_dtmf.xml"),
        sipPort,
        mediaPort,
        ctrlPort,
        keys: { ...defaultKeys(dir), dtmf: "159#" },
        durationMs: 2600,
      });
      let ws: CallSocket | undefined;
      try {
        const req = await rig.app.waitForIncoming(n + 1, 5000);
        const callId = req.body.call_id;
        ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId, apiKey: rig.apiKey });
        await ws.waitFor("start", 5000);
        await expectDigitsOnce(rig, ws, callId);
        // The scenario's ereg fails the call unless our 200 kept telephone-event on 96.
        expect(await waitExit(sipp, 8000), sippMessages(dir)).toBe(0);
        await ws.waitFor("stop", 3000);
      } finally {
        ws?.close();
        await sipp.stop();
        await cap.stop();
      }
      const datagrams = capturedDatagrams(cap.path);
      // sipp's noop packets on the unnegotiated PT 97 went out too and were not reported.
      expect(rtpFrom(datagrams, mediaPort, 97).length).toBeGreaterThan(0);
      const ends = telephoneEventEnds(rtpFrom(datagrams, mediaPort, 96));
      // RFC 4733 §3.2: events 1, 5, 9 and # (11), each end packet possibly repeated.
      expect([...new Set(ends)]).toEqual([1, 5, 9, 11]);
      // The end packets are repeated on the wire, so "once per press" was the gateway's doing.
      expect(ends.length).toBeGreaterThan(DIGITS.length);
    },
    20_000,
  );
  test.skipIf(skipWithout("sipp", "sox"))(
    "sipp SIP INFO: dtmf-relay Signal=1, dtmf-relay 'signal = a', application/dtmf # → 200s and dtmf 1, A, # once each in order; an unknown INFO body is answered 200 and ignored",
    async () => {
      const dir = makeTempDir("calls-dtmf-info");
      const mediaPort = await sippMediaPort();
      const [sipPort, ctrlPort] = (await freePorts(2, [mediaPort, mediaPort + 2])) as [number, number];
      const n = rig.app.incoming.length;
      const sipp = startSipp({
        dir,
        target: { host: "127.0.0.1", port: rig.sipPort },
        scenario: scenarioCopy(dir, "uac_dtmf_info.xml"),
        sipPort,
        mediaPort,
        ctrlPort,
        keys: defaultKeys(dir),
        timeoutS: 15,
      });
      let ws: CallSocket | undefined;
      try {
        const req = await rig.app.waitForIncoming(n + 1, 5000);
        const callId = req.body.call_id;
        ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId, apiKey: rig.apiKey });
        await ws.waitFor("start", 5000);
        // The scenario fails unless every INFO, the unknown one included, got 200 OK.
        expect(await waitExit(sipp, 10_000), sippMessages(dir)).toBe(0);
        await ws.waitFor("stop", 3000);
        expect(wsDigits(ws)).toEqual(["1", "A", "#"]);
        await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.ended", 3000);
        expect(webhookDigits(rig, callId)).toEqual(["1", "A", "#"]);
      } finally {
        ws?.close();
        await sipp.stop();
      }
    },
    20_000,
  );
});
