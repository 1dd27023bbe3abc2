/**
 * SDES-SRTP on inbound calls (sip.md §10, §5; RFC 4568, RFC 3711): an offer uses SRTP exactly
 * when it is `RTP/SAVP` with `AES_CM_128_HMAC_SHA1_80`.
 * - baresip with `mediaenc=srtp-mand` (RTP/SAVP + a=crypto AES_CM_128_HMAC_SHA1_80) calls the
 *   gateway: the answer is RTP/SAVP with our own key, the app hears baresip's 1 kHz on the
 *   WebSocket, baresip records the app's 440 Hz, and a tshark capture of baresip's RTP ports
 *   shows 170-byte payloads (160 μ-law + the 80-bit tag) that are no longer μ-law of either tone
 *   (tone ratio ≈ 0 both ways): the media was encrypted on the wire.
 * - sipp offering RTP/SAVP with another suite (AES_256_CM_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32)
 *   gets `488 Not Acceptable Here` and the app is never asked.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { BaresipCtrl, readWav, writeBaresipConfig } from "../support/baresip.ts";
import type { UdpDatagram } from "../support/pcap.ts";
import {
  freePorts,
  makeTempDir,
  type PeerProcess,
  skipWithout,
  spawnPeer,
  waitExit,
  waitForPort,
} from "../support/peers.ts";
import { isRtp, rtpPayload } from "../support/rtp.ts";
import {
  type Capture,
  capturedDatagrams,
  defaultKeys,
  SIPP_SCENARIOS,
  sippMediaPort,
  sippMessages,
  startCapture,
  startSipp,
} from "../support/sipp-media.ts";
import { goertzel, rms, tone } from "../support/tone.ts";
import { CallSocket, decodeUlaw } from "../support/ws-client.ts";

const AMPLITUDE = 16384;
/** RFC 3711 §4.2 / RFC 4568 §6.2.1: AES_CM_128_HMAC_SHA1_80 appends an 80-bit (10-byte) tag. */
const SRTP_TAG_BYTES = 10;

/**
 * How much of `pcm` is a `hz` sine, per 200 ms window, at best: Goertzel amplitude over the
 * amplitude a pure sine of that RMS would have (1 for a clean tone, ≈ 0 for noise).
 */
function toneRatio(pcm: Int16Array, hz: number, rate = 8000): number {
  const w = rate / 5;
  let best = 0;
  for (let i = 0; i + w <= pcm.length; i += w) {
    const win = pcm.subarray(i, i + w);
    const level = rms(win);
    if (level > 0) best = Math.max(best, goertzel(win, hz, rate) / (level * Math.SQRT2));
  }
  return best;
}

/**
 * RTP packets of payload type `pt` from (or, `toRange`, to) the ports `lo`..`hi` of one side, in
 * capture order. baresip may bind an odd RTP port, so RTCP (PT 72–76 here) is told apart by type.
 */
function rtpPackets(
  datagrams: readonly UdpDatagram[],
  lo: number,
  hi: number,
  toRange: boolean,
  pt: number,
): Uint8Array[] {
  return datagrams
    .filter((d) => {
      const port = toRange ? d.dstPort : d.srcPort;
      return port >= lo && port <= hi && isRtp(d.payload, pt);
    })
    .map((d) => d.payload);
}

/** The μ-law reading of SRTP payloads with their authentication tags cut off. */
function asUlaw(packets: readonly Uint8Array[]): Int16Array {
  return decodeUlaw(Buffer.concat(packets.map((b) => rtpPayload(b.subarray(0, b.length - SRTP_TAG_BYTES)))));
}

/** The UDP payload text of the first SIP message from `srcPort` that contains `needle`. */
function sipText(datagrams: readonly UdpDatagram[], srcPort: number, needle: string): string | undefined {
  for (const d of datagrams) {
    if (d.srcPort !== srcPort) continue;
    const text = new TextDecoder().decode(d.payload);
    if (text.includes(needle)) return text;
  }
  return undefined;
}

/** baresip with SDES: `srtp-mand` offers RTP/SAVP only, `srtp` offers RTP/AVP + a=crypto. */
interface SrtpBaresip {
  readonly dir: string;
  readonly sipPort: number;
  /** The ports baresip's RTP and RTCP can use (see startSrtpBaresip). */
  readonly rtpPorts: [number, number];
  readonly peer: PeerProcess;
  readonly ctrl: BaresipCtrl;
  /** Capture of baresip's RTP ports and its SIP port, started before baresip. */
  readonly capture: Capture;
  stop(): Promise<void>;
  /** The UDP datagrams captured (call after stop). */
  datagrams(): UdpDatagram[];
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

async function startSrtpBaresip(mediaenc: "srtp-mand" | "srtp", name: string): Promise<SrtpBaresip> {
  const [sipPort, ctrlPort, rtpBase] = await baresipPorts();
  const rtpPorts: [number, number] = [rtpBase!, rtpBase! + 9];
  // libre rounds a random port of the range down to even for RTP, so it can be one below it.
  const wirePorts: [number, number] = [rtpBase! & ~1, rtpBase! + 10];
  const dir = makeTempDir(`calls-srtp-${name}`);
  writeBaresipConfig({
    dir,
    sipPort: sipPort!,
    ctrlPort: ctrlPort!,
    rtpPorts,
    codecs: ["pcmu"],
    toneSeconds: 15,
  });
  const accounts = join(dir, "accounts");
  writeFileSync(accounts, readFileSync(accounts, "utf8").replace(/\n$/, `;mediaenc=${mediaenc}\n`));
  appendFileSync(join(dir, "config"), "module srtp.so\n");
  const capture = await startCapture(
    dir,
    "rtp",
    `udp portrange ${wirePorts[0]}-${wirePorts[1]} or udp port ${sipPort}`,
  );
  const peer = spawnPeer({ name: "baresip", cmd: ["baresip", "-f", dir], dir });
  if (!(await waitForPort("tcp", ctrlPort!, "127.0.0.1", 5000))) {
    await peer.stop();
    await capture.stop();
    throw new Error(`baresip did not open ctrl_tcp:\n${peer.log()}`);
  }
  const ctrl = await BaresipCtrl.connect(ctrlPort!);
  return {
    dir,
    sipPort: sipPort!,
    rtpPorts: wirePorts,
    peer,
    ctrl,
    capture,
    async stop() {
      ctrl.close();
      await peer.stop();
      await capture.stop();
    },
    datagrams() {
      return capturedDatagrams(capture.path);
    },
  };
}

/** baresip dials the gateway; resolves once the app's socket has `start`. */
async function dialIn(rig: CallRig, bs: SrtpBaresip): Promise<{ callId: string; ws: CallSocket }> {
  const n = rig.app.incoming.length;
  expect((await bs.ctrl.command("dial", `sip:echo@127.0.0.1:${rig.sipPort}`)).ok).toBe(true);
  const req = await rig.app.waitForIncoming(n + 1, 5000);
  const ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId: req.body.call_id, apiKey: rig.apiKey });
  await bs.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
  await ws.waitFor("start", 5000);
  return { callId: req.body.call_id, ws };
}

/** baresip hangs up; the socket gets `stop`. */
async function hangUp(bs: SrtpBaresip, ws: CallSocket): Promise<void> {
  await bs.ctrl.command("hangup");
  await bs.ctrl.waitEvent("CALL_CLOSED", 5000);
  await ws.waitFor("stop", 5000);
}

describe("SRTP on inbound calls", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  }, 15_000); // the gateway process starts slowly on a loaded box
  afterAll(async () => {
    await rig?.stop();
  });

  test.skipIf(skipWithout("baresip", "tshark"))(
    "baresip srtp-mand → RTP/SAVP answer with AES_CM_128_HMAC_SHA1_80; 1 kHz reaches the app, 440 Hz reaches baresip, and the wire carries no readable μ-law",
    async () => {
      const bs = await startSrtpBaresip("srtp-mand", "mand");
      let ws: CallSocket | undefined;
      try {
        const call = await dialIn(rig, bs);
        ws = call.ws;
        ws.sendAudio(tone(440, 8000, 16000, AMPLITUDE));
        await ws.waitForAudio(75, 5000);
        const heard = ws.pcm(25);
        expect(goertzel(heard, 1000, 8000)).toBeGreaterThan(AMPLITUDE * 0.84);
        // The measure used on the wire below recognises the tone when it is plain.
        expect(toneRatio(heard, 1000)).toBeGreaterThan(0.9);
        await Bun.sleep(1500); // the rest of the 2 s of 440 Hz reaches baresip
        await hangUp(bs, ws);
      } finally {
        ws?.close();
        await bs.stop();
      }

      const datagrams = bs.datagrams();
      const offer = sipText(datagrams, bs.sipPort, "INVITE sip:");
      expect(offer).toMatch(/m=audio \d+ RTP\/SAVP /);
      const answer = sipText(datagrams, rig.sipPort, "SIP/2.0 200 OK");
      expect(answer).toMatch(/m=audio \d+ RTP\/SAVP /);
      expect(answer).toMatch(/a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}/);
      // RFC 4568 §6.1: each side sends with its own key.
      const keyOf = (sdp: string | undefined) => /inline:([A-Za-z0-9+/=]+)/.exec(sdp ?? "")?.[1];
      expect(keyOf(answer)).not.toBe(keyOf(offer));

      const [lo, hi] = bs.rtpPorts;
      const fromBaresip = rtpPackets(datagrams, lo, hi, false, 0);
      const toBaresip = rtpPackets(datagrams, lo, hi, true, 0);
      expect(fromBaresip.length).toBeGreaterThan(100);
      expect(toBaresip.length).toBeGreaterThan(100);
      for (const packets of [fromBaresip, toBaresip])
        expect(new Set(packets.map((p) => p.length - 12))).toEqual(new Set([160 + SRTP_TAG_BYTES]));
      expect(toneRatio(asUlaw(fromBaresip), 1000)).toBeLessThan(0.2);
      expect(toneRatio(asUlaw(toBaresip), 440)).toBeLessThan(0.2);

      const rec = readdirNewest(join(bs.dir, "rec"), "-dec.wav");
      expect(rec).toBeDefined();
      const wav = readWav(rec!);
      expect(toneRatio(wav.samples, 440, wav.rate)).toBeGreaterThan(0.9);
    },
    20_000,
  );

  test.skipIf(skipWithout("baresip", "tshark"))(
    "baresip srtp-mand sndcode 159# → the SRTP-protected telephone-events are reported once each in order (dtmf messages and call.dtmf)",
    async () => {
      const bs = await startSrtpBaresip("srtp-mand", "dtmf");
      let ws: CallSocket | undefined;
      let callId = "";
      try {
        const call = await dialIn(rig, bs);
        ws = call.ws;
        callId = call.callId;
        await ws.waitForAudio(10, 5000);
        expect((await bs.ctrl.command("sndcode", "159#")).ok).toBe(true);
        await ws.until(() => ws!.messages("dtmf").length >= 4, 6000, "four dtmf messages");
        await Bun.sleep(800); // a duplicate report would arrive in this quiet spell
        expect(ws.messages("dtmf").map((m) => m.dtmf?.digit)).toEqual(["1", "5", "9", "#"]);
        await rig.app.waitForEvent(
          () => rig.app.eventsOf(callId).filter((e) => e.event === "call.dtmf").length >= 4,
          3000,
          "four call.dtmf",
        );
        await hangUp(bs, ws);
      } finally {
        ws?.close();
        await bs.stop();
      }
      const digits = rig.app
        .eventsOf(callId)
        .filter((e) => e.event === "call.dtmf")
        .map((e) => e.digit);
      expect(digits).toEqual(["1", "5", "9", "#"]);
      // RFC 4733 events in SRTP: the 4-byte event payload carries the 10-byte tag too.
      const offer = sipText(bs.datagrams(), bs.sipPort, "INVITE sip:") ?? "";
      const tePt = Number(/a=rtpmap:(\d+) telephone-event\/8000/.exec(offer)?.[1] ?? -1);
      const events = rtpPackets(bs.datagrams(), ...bs.rtpPorts, false, tePt);
      expect(events.length).toBeGreaterThan(4);
      expect(new Set(events.map((p) => p.length - 12))).toEqual(new Set([4 + SRTP_TAG_BYTES]));
    },
    20_000,
  );

  test.skipIf(skipWithout("baresip", "tshark"))(
    "baresip srtp (best effort: RTP/AVP + a=crypto) → plain RTP/AVP answer without a=crypto, and the 1 kHz goes in the clear",
    async () => {
      const bs = await startSrtpBaresip("srtp", "avp");
      let ws: CallSocket | undefined;
      try {
        const call = await dialIn(rig, bs);
        ws = call.ws;
        await ws.waitForAudio(75, 5000);
        expect(goertzel(ws.pcm(25), 1000, 8000)).toBeGreaterThan(AMPLITUDE * 0.84);
        await hangUp(bs, ws);
      } finally {
        ws?.close();
        await bs.stop();
      }
      const datagrams = bs.datagrams();
      const offer = sipText(datagrams, bs.sipPort, "INVITE sip:");
      expect(offer).toMatch(/m=audio \d+ RTP\/AVP /);
      expect(offer).toMatch(/a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 /);
      const answer = sipText(datagrams, rig.sipPort, "SIP/2.0 200 OK");
      expect(answer).toMatch(/m=audio \d+ RTP\/AVP /);
      expect(answer).not.toContain("a=crypto");
      const fromBaresip = rtpPackets(datagrams, ...bs.rtpPorts, false, 0);
      expect(fromBaresip.length).toBeGreaterThan(50);
      expect(new Set(fromBaresip.map((p) => p.length - 12))).toEqual(new Set([160]));
      const plain = decodeUlaw(Buffer.concat(fromBaresip.map((p) => p.subarray(12))));
      expect(toneRatio(plain, 1000)).toBeGreaterThan(0.9);
    },
    20_000,
  );

  /** sipp offers RTP/SAVP with only `suite`; the gateway must answer 488 before asking the app. */
  async function offerSuite(suite: string): Promise<void> {
    const dir = makeTempDir("calls-srtp-488");
    const scenario = savpRefusedScenario(dir, suite);
    const mediaPort = await sippMediaPort();
    const [sipPort, ctrlPort] = await freePorts(2, [mediaPort, mediaPort + 2]);
    const before = rig.app.incoming.length;
    const sipp = startSipp({
      dir,
      target: { host: "127.0.0.1", port: rig.sipPort },
      scenario,
      sipPort: sipPort!,
      mediaPort,
      ctrlPort: ctrlPort!,
      keys: defaultKeys(dir),
      timeoutS: 10,
    });
    try {
      expect(await waitExit(sipp, 8000), sippMessages(dir)).toBe(0);
    } finally {
      await sipp.stop();
    }
    const trace = sippMessages(dir);
    expect(trace).toContain(`a=crypto:1 ${suite} inline:`);
    expect(trace).toMatch(/SIP\/2\.0 488 /);
    expect(rig.app.incoming.length).toBe(before);
  }

  test.skipIf(skipWithout("sipp", "sox"))(
    "an RTP/SAVP offer whose only suite is AES_256_CM_HMAC_SHA1_80 gets 488 and never reaches the app",
    () => offerSuite("AES_256_CM_HMAC_SHA1_80"),
    20_000,
  );

  // sip.md §10 takes only AES_CM_128_HMAC_SHA1_80 inbound (src/sdp/answer.ts ANSWER_SRTP_SUITES).
  test(
    "an RTP/SAVP offer whose only suite is AES_CM_128_HMAC_SHA1_32 gets 488 and never reaches the app",
    () => offerSuite("AES_CM_128_HMAC_SHA1_32"),
    20_000,
  );
});

/** The newest file in `dir` ending with `suffix` (sndfile names recordings by the second). */
function readdirNewest(dir: string, suffix: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort();
  const last = files.at(-1);
  return last === undefined ? undefined : join(dir, last);
}

/**
 * uac_refused.xml (expects a final 488) turned into an SDES offer: `RTP/SAVP` with one
 * `a=crypto` line of `suite` and a key of the size that suite takes (RFC 4568 §6.2, RFC 6188).
 */
function savpRefusedScenario(dir: string, suite: string): string {
  const keyBytes = suite.startsWith("AES_256") ? 32 + 14 : 16 + 14;
  const key = Buffer.from(Array.from({ length: keyBytes }, (_, i) => (i * 37 + 11) & 0xff)).toString(
    "base64",
  );
  const xml = readFileSync(join(SIPP_SCENARIOS, "uac_refused.xml"), "utf8")
    .replaceAll("@EXPECT_CODE@", "488")
    .replace("RTP/AVP [codec_pt] 96", "RTP/SAVP [codec_pt] 96")
    .replace("a=sendrecv", `a=crypto:1 ${suite} inline:${key}\n      a=sendrecv`);
  if (!xml.includes("RTP/SAVP") || !xml.includes(suite)) throw new Error("uac_refused.xml changed shape");
  const out = join(dir, "uac_srtp_refused.xml");
  writeFileSync(out, xml);
  return out;
}
