/**
 * `clear` on the wire (websocket.md §6): while the app's audio is playing to the caller, a
 * `clear` empties the queue and the caller hears it stop — the RTP the gateway sends turns to
 * silence within a frame or two. tshark captures what reaches the sipp caller's RTP port.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import { isRtp, rtpPayload } from "../support/rtp.ts";
import {
  callGateway,
  capturedDatagrams,
  defaultKeys,
  sippMessages,
  startCapture,
} from "../support/sipp-media.ts";
import { goertzel, tone } from "../support/tone.ts";
import { CallSocket, decodeUlaw } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox", "tshark");
const AMPLITUDE = 8000;

/** 440 Hz level of the PCMU frames sent to `port` whose capture time lies in [fromMs, toMs) (epoch ms). */
function toneLevel(pcapPath: string, port: number, fromMs: number, toMs: number): number[] {
  return capturedDatagrams(pcapPath)
    .filter((d) => d.dstPort === port && isRtp(d.payload, 0))
    .filter((d) => d.timeUs / 1000 >= fromMs && d.timeUs / 1000 < toMs)
    .map((d) => goertzel(decodeUlaw(rtpPayload(d.payload)), 440, 8000));
}

describe.skipIf(skip)("clear on the wire", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("the caller hears queued app audio stop right after clear", async () => {
    const dir = makeTempDir("calls-clear");
    const { sipp, mediaPort } = await callGateway({
      dir,
      gatewaySipPort: rig.sipPort,
      scenario: "uac_wait_bye.xml",
      keys: defaultKeys(dir),
      timeoutS: 15,
    });
    const capture = await startCapture(dir, "rtp", `udp dst port ${mediaPort}`);
    try {
      const req = await rig.app.waitForIncoming(1, 5000);
      const ws = await CallSocket.connect({
        baseUrl: rig.httpUrl,
        callId: req.body.call_id,
        apiKey: rig.apiKey,
      });
      await ws.waitFor("start", 5000);
      ws.sendAudio(tone(440, 8000, 8000 * 4, AMPLITUDE), 8000); // 4 s queued
      await Bun.sleep(1200);
      const clearedAt = Date.now();
      ws.sendClear();
      await Bun.sleep(1000);
      expect((await rig.api(`/v1/calls/${req.body.call_id}`, { method: "DELETE" })).status).toBe(204);
      expect(await waitExit(sipp, 5000), sippMessages(dir)).toBe(0);
      await capture.stop(); // waits until the file holds every packet sent before it

      const before = toneLevel(capture.path, mediaPort, clearedAt - 800, clearedAt - 100);
      const after = toneLevel(capture.path, mediaPort, clearedAt + 100, clearedAt + 900);
      expect(before.length).toBeGreaterThan(25);
      expect(after.length).toBeGreaterThan(25);
      // Playing before: every frame carries the tone (μ-law keeps it within a few %).
      for (const level of before) expect(level).toBeGreaterThan(AMPLITUDE * 0.8);
      // Silence after: nothing of the 2.8 s still queued reaches the caller.
      for (const level of after) expect(level).toBeLessThan(AMPLITUDE * 0.02);
      ws.close();
    } finally {
      await sipp.stop();
      await capture.stop();
    }
  }, 25_000);
});
