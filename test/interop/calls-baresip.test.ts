/**
 * A real softphone through the gateway to the app (issue #5; sip.md §10, websocket.md): for
 * each codec baresip offers (PCMU, PCMA, G.722, Opus) it dials `sip:echo@` the trunk host and
 * plays a 1 kHz tone; the app accepts, hears 1 kHz at −6 dBFS on the WebSocket (Twilio mode
 * and native mode), sends 2 s of 440 Hz with a mark after it, and baresip's recording of what
 * it received contains the 440 Hz. baresip hangs up; the socket gets `stop`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { type BaresipCodec, readWav, startBaresip } from "../support/baresip.ts";
import { freePorts, makeTempDir, skipWithout } from "../support/peers.ts";
import { goertzel, peakLevel, tone } from "../support/tone.ts";
import { CallSocket, type StreamMode } from "../support/ws-client.ts";

const skip = skipWithout("baresip");
const AMPLITUDE = 16384;

describe.skipIf(skip)("baresip caller ⇄ gateway ⇄ app audio", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  const codecs: BaresipCodec[] = ["pcmu", "pcma", "g722", "opus"];
  const modes: StreamMode[] = ["twilio", "native"];
  for (const codec of codecs)
    for (const mode of modes)
      test(`${codec}, ${mode} mode: the app hears baresip's 1 kHz at −6 dBFS and baresip records the app's 440 Hz`, async () => {
        const [sipPort, ctrlPort, rtpBase] = await freePorts(3);
        const bs = await startBaresip({
          dir: makeTempDir(`calls-baresip-${codec}`),
          sipPort: sipPort!,
          ctrlPort: ctrlPort!,
          rtpPorts: [rtpBase!, rtpBase! + 9],
          codecs: [codec],
          toneSeconds: 15,
        });
        try {
          const n = rig.app.incoming.length;
          const dialed = await bs.ctrl.command("dial", `sip:echo@127.0.0.1:${rig.sipPort}`);
          expect(dialed.ok).toBe(true);
          const req = await rig.app.waitForIncoming(n + 1, 5000);
          const ws = await CallSocket.connect({
            baseUrl: rig.httpUrl,
            callId: req.body.call_id,
            apiKey: rig.apiKey,
            mode,
          });
          await bs.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
          await ws.waitFor("start", 5000);
          const sentAt = performance.now();
          ws.sendAudio(tone(440, 8000, 16000, AMPLITUDE), mode === "native" ? 16000 : 160);
          ws.sendMark("after-440");
          await ws.waitForAudio(75, 5000);
          const heard = ws.pcm(25);
          const level = goertzel(heard, 1000, 8000);
          // G.711 is within 1.5 dB; G.722 and Opus go through resampling and a lossy coder.
          const floor = codec === "pcmu" || codec === "pcma" ? 0.84 : 0.71;
          expect(level).toBeGreaterThan(AMPLITUDE * floor);
          expect(level).toBeLessThan(AMPLITUDE * 1.19);
          const mark = await ws.waitFor("mark", 4000);
          expect(mark.at - sentAt).toBeGreaterThan(2000 - 60);
          await Bun.sleep(300);
          await bs.ctrl.command("hangup");
          await bs.ctrl.waitEvent("CALL_CLOSED", 5000);
          await ws.waitFor("stop", 5000);
          const ended = await rig.app.waitForEvent(
            (e) => e.call_id === req.body.call_id && e.event === "call.ended",
            5000,
          );
          expect(ended.reason).toBe("normal");
        } finally {
          await bs.stop();
        }
        const rec = bs.recording("dec");
        expect(rec).toBeDefined();
        const wav = readWav(rec!);
        expect(peakLevel(wav.samples, 440, wav.rate)).toBeGreaterThan(AMPLITUDE * 0.71);
      }, 20_000);
});
