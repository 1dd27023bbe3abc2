/**
 * Audio both ways through the real gateway with sipp as the caller (issue #5; sip.md §10,
 * websocket.md §5–§7): for PCMU, PCMA and G.722 sipp streams a raw 1 kHz tone (`rtp_stream`);
 * the app hears 1 kHz at −6 dBFS on the WebSocket in Twilio and native mode, sends 2 s of
 * 440 Hz back, and the RTP the gateway sends to sipp (captured on lo with tshark) carries it.
 * Also sipp replaying a pcap (`play_pcap_audio`): a 1 kHz PCMU tone then an RFC 4733 digit.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ALAW_DECODE } from "../../src/codec/g711-tables.ts";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import {
  callGateway,
  capturedDatagrams,
  makeToneFile,
  rtpKeys,
  rtpPayloads,
  SIPP_CODECS,
  type SippCodec,
  sippMessages,
  startCapture,
  writeRtpPcap,
} from "../support/sipp-media.ts";
import { goertzel, peakLevel, tone } from "../support/tone.ts";
import { CallSocket, decodeL16, decodeUlaw, encodeUlaw, type StreamMode } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox", "ffmpeg", "tshark");
const AMPLITUDE = 16384;

/** Decodes captured payloads of `codec` to PCM16 at its audio rate (G.722 via ffmpeg). */
function decodeCaptured(
  codec: SippCodec,
  payloads: Uint8Array[],
  dir: string,
): { pcm: Int16Array; rate: number } {
  const bytes = Buffer.concat(payloads);
  if (codec === "pcmu") return { pcm: decodeUlaw(bytes), rate: 8000 };
  if (codec === "pcma") return { pcm: Int16Array.from(bytes, (b) => ALAW_DECODE[b]!), rate: 8000 };
  const g722 = join(dir, "rx.g722");
  Bun.write(g722, bytes);
  const out = join(dir, "rx.s16");
  Bun.spawnSync(["ffmpeg", "-loglevel", "error", "-y", "-f", "g722", "-i", g722, "-f", "s16le", out]);
  return { pcm: decodeL16(new Uint8Array(readFileSync(out))), rate: 16000 };
}

describe.skipIf(skip)("sipp caller ⇄ gateway ⇄ app audio", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  const cases: Array<[SippCodec, StreamMode]> = [
    ["pcmu", "twilio"],
    ["pcmu", "native"],
    ["pcma", "twilio"],
    ["pcma", "native"],
    ["g722", "twilio"],
    ["g722", "native"],
  ];
  for (const [codec, mode] of cases) {
    test(`${codec} in ${mode} mode: the app hears the caller's 1 kHz at −6 dBFS and the caller gets the app's 440 Hz`, async () => {
      const dir = makeTempDir(`calls-sipp-${codec}`);
      const keys = rtpKeys(codec, makeToneFile(join(dir, `tone.${codec}`), codec, 1000, 10));
      const n = rig.app.incoming.length;
      const { sipp, mediaPort } = await callGateway({
        dir,
        gatewaySipPort: rig.sipPort,
        scenario: "uac_rtp.xml",
        keys,
        durationMs: 4500,
      });
      const cap = await startCapture(dir, "rtp", `udp dst port ${mediaPort}`);
      try {
        const req = await rig.app.waitForIncoming(n + 1, 5000);
        const ws = await CallSocket.connect({
          baseUrl: rig.httpUrl,
          callId: req.body.call_id,
          apiKey: rig.apiKey,
          mode,
        });
        await ws.waitFor("start", 5000);
        ws.sendAudio(tone(440, 8000, 16000, AMPLITUDE), mode === "native" ? 16000 : 160);
        await ws.waitForAudio(75, 5000);
        const heard = ws.pcm(15);
        const level = goertzel(heard, 1000, 8000);
        expect(level).toBeGreaterThan(AMPLITUDE * (codec === "g722" ? 0.71 : 0.84));
        expect(level).toBeLessThan(AMPLITUDE * 1.19);
        expect(goertzel(heard, 440, 8000)).toBeLessThan(level / 30);
        expect(await waitExit(sipp, 10_000), sippMessages(dir)).toBe(0);
        ws.close();
      } finally {
        await sipp.stop();
        await cap.stop();
      }
      const payloads = rtpPayloads(capturedDatagrams(cap.path), mediaPort, SIPP_CODECS[codec].pt);
      expect(payloads.length).toBeGreaterThan(150); // continuous 20 ms RTP for the call
      const back = decodeCaptured(codec, payloads, dir);
      expect(peakLevel(back.pcm, 440, back.rate)).toBeGreaterThan(AMPLITUDE * 0.71);
    }, 20_000);
  }

  test("a PCMU tone replayed from a pcap reaches the app as 1 kHz, then its RFC 4733 digit as a dtmf message and call.dtmf", async () => {
    const dir = makeTempDir("calls-sipp-pcap");
    const ulaw = encodeUlaw(tone(1000, 8000, 8000 * 3, AMPLITUDE));
    const frames = Array.from({ length: 150 }, (_, i) => ulaw.subarray(i * 160, (i + 1) * 160));
    const audio = writeRtpPcap(join(dir, "tone1k.pcap"), frames, 0);
    const n = rig.app.incoming.length;
    const { sipp } = await callGateway({
      dir,
      gatewaySipPort: rig.sipPort,
      scenario: "uac_pcap.xml",
      keys: {
        codec_pt: "0",
        codec_name: "PCMU/8000",
        ptime: "20",
        audio_pcap: audio,
        dtmf_pcap: "/usr/share/sip-tester/dtmf_2833_1.pcap",
      },
      durationMs: 3500,
    });
    try {
      const req = await rig.app.waitForIncoming(n + 1, 5000);
      const ws = await CallSocket.connect({
        baseUrl: rig.httpUrl,
        callId: req.body.call_id,
        apiKey: rig.apiKey,
      });
      await ws.waitForAudio(60, 5000);
      const level = goertzel(ws.pcm(10).subarray(0, 8000), 1000, 8000);
      expect(level).toBeGreaterThan(AMPLITUDE * 0.84);
      const dtmf = await ws.waitFor("dtmf", 6000);
      expect(dtmf.message.dtmf).toEqual({ track: "inbound_track", digit: "1" });
      expect(await waitExit(sipp, 10_000), sippMessages(dir)).toBe(0);
      const ev = await rig.app.waitForEvent(
        (e) => e.call_id === req.body.call_id && e.event === "call.dtmf",
        3000,
      );
      expect(ev.digit).toBe("1");
      ws.close();
    } finally {
      await sipp.stop();
    }
  }, 20_000);
});
