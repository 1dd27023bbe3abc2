/**
 * The call audio WebSocket end to end (spec/websocket.md, rest-api.md §3, issue #5): sipp calls
 * the real gateway and streams a 1 kHz PCMU tone; the test app accepts and connects
 * `/ws/{call_id}`. Checks the session timeline, caller audio in both modes, mark timing and
 * clear, who hangs up (caller BYE → `stop`; REST DELETE → caller gets BYE), `stream: false`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { makeTempDir, type PeerProcess, skipWithout, waitExit } from "../support/peers.ts";
import { callGateway, defaultKeys, sippMessages } from "../support/sipp-media.ts";
import { goertzel, rms, tone } from "../support/tone.ts";
import { CallSocket, probeUpgrade, type StreamMode } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox");
const TONE_AMPLITUDE = 16384; // sox "vol 0.5": −6 dBFS

interface Live {
  sipp: PeerProcess;
  dir: string;
  callId: string;
  ws: CallSocket;
}

/** sipp calls (PCMU 1 kHz for `durationMs`), the app accepts, the test connects the socket. */
async function liveCall(
  rig: CallRig,
  mode: StreamMode | undefined,
  scenario = "uac_rtp.xml",
  durationMs = 6000,
) {
  const dir = makeTempDir("calls-stream");
  const n = rig.app.incoming.length;
  const { sipp } = await callGateway({
    dir,
    gatewaySipPort: rig.sipPort,
    scenario,
    keys: defaultKeys(dir),
    durationMs,
  });
  const req = await rig.app.waitForIncoming(n + 1, 5000);
  const ws = await CallSocket.connect({
    baseUrl: rig.httpUrl,
    callId: req.body.call_id,
    apiKey: rig.apiKey,
    ...(mode === undefined ? {} : { mode }),
  });
  await ws.waitFor("start", 5000);
  return { sipp, dir, callId: req.body.call_id, ws } satisfies Live;
}

async function finish(live: Live): Promise<number | undefined> {
  const exit = await waitExit(live.sipp, 12_000);
  if (exit === undefined) await live.sipp.stop();
  live.ws.close();
  return exit;
}

describe.skipIf(skip)("call audio WebSocket", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig({
      decide: () => ({ kind: "accept", stream: true, customParameters: { agent: "sales" } }),
    });
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("Twilio mode: connected, start with customParameters and μ-law format, then 160-byte 1 kHz frames at −6 dBFS", async () => {
    const live = await liveCall(rig, undefined, "uac_rtp.xml", 3000);
    await live.ws.waitForAudio(60, 5000);
    const [connected, start] = live.ws.received.map((r) => r.message);
    expect(connected).toEqual({ event: "connected", protocol: "Call", version: "1.0.0" });
    expect(start?.sequenceNumber).toBe("1");
    expect(start?.streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
    expect(start?.start).toMatchObject({
      accountSid: "AC00000000000000000000000000000000",
      callSid: live.callId,
      tracks: ["inbound"],
      customParameters: { agent: "sales" },
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
    });
    const media = live.ws.messages("media");
    expect(media[0]?.media).toMatchObject({ track: "inbound", chunk: "1" });
    for (const m of media.slice(0, 60)) expect(Uint8Array.fromBase64(m.media!.payload).length).toBe(160);
    const seqs = live.ws.received.slice(1).map((r) => Number(r.message.sequenceNumber));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const pcm = live.ws.pcm(10);
    expect(goertzel(pcm, 1000, 8000)).toBeGreaterThan(TONE_AMPLITUDE * 0.84); // −1.5 dB
    expect(goertzel(pcm, 1000, 8000)).toBeLessThan(TONE_AMPLITUDE * 1.19); // +1.5 dB
    expect(goertzel(pcm, 1000, 8000) / rms(pcm)).toBeGreaterThan(1.3); // a pure tone: √2
    expect(await finish(live), sippMessages(live.dir)).toBe(0);
  }, 20_000);

  test("native mode: start says audio/x-l16 and caller audio arrives as 323-byte binary frames of the 1 kHz tone", async () => {
    const live = await liveCall(rig, "native", "uac_rtp.xml", 3000);
    await live.ws.waitForAudio(60, 5000);
    expect(live.ws.messages("start")[0]?.start?.mediaFormat.encoding).toBe("audio/x-l16");
    expect(live.ws.messages("media")).toHaveLength(0);
    for (const f of live.ws.audio.slice(0, 60)) expect(f.pcm.length).toBe(160);
    const pcm = live.ws.pcm(10);
    expect(goertzel(pcm, 1000, 8000)).toBeGreaterThan(TONE_AMPLITUDE * 0.84);
    expect(goertzel(pcm, 1000, 8000)).toBeLessThan(TONE_AMPLITUDE * 1.19);
    expect(await finish(live), sippMessages(live.dir)).toBe(0);
  }, 20_000);

  test("a mark sent after 2 s of queued audio is echoed 2 s ± 60 ms later", async () => {
    const live = await liveCall(rig, undefined, "uac_rtp.xml", 5000);
    live.ws.sendAudio(tone(440, 8000, 16000, 8000), 16000);
    const sentAt = performance.now();
    live.ws.sendMark("two-seconds");
    const echo = await live.ws.waitFor("mark", 4000);
    expect(echo.message.mark).toEqual({ name: "two-seconds" });
    expect(echo.at - sentAt).toBeGreaterThan(2000 - 60);
    expect(echo.at - sentAt).toBeLessThan(2000 + 60);
    expect(await finish(live), sippMessages(live.dir)).toBe(0);
  }, 20_000);

  test("clear echoes every pending mark at once, in order, and later marks queue normally", async () => {
    const live = await liveCall(rig, undefined, "uac_rtp.xml", 5000);
    live.ws.sendAudio(tone(440, 8000, 24000, 8000), 8000);
    live.ws.sendMark("a");
    live.ws.sendAudio(tone(440, 8000, 8000, 8000), 8000);
    live.ws.sendMark("b");
    await Bun.sleep(500);
    expect(live.ws.messages("mark")).toHaveLength(0);
    const clearedAt = performance.now();
    live.ws.sendClear();
    const b = await live.ws.waitFor("mark", 1000, 2);
    expect(live.ws.messages("mark").map((m) => m.mark?.name)).toEqual(["a", "b"]);
    expect(b.at - clearedAt).toBeLessThan(100);
    // An empty queue echoes a new mark immediately (websocket.md §6).
    live.ws.sendMark("c");
    const c = await live.ws.waitFor("mark", 1000, 3);
    expect(c.message.mark).toEqual({ name: "c" });
    expect(await finish(live), sippMessages(live.dir)).toBe(0);
  }, 20_000);

  test("when the caller hangs up mid-stream the socket gets stop and closes 1000, and the app gets call.ended(normal)", async () => {
    const live = await liveCall(rig, undefined, "uac_rtp.xml", 2000);
    const closed = await live.ws.closed;
    expect(closed.code).toBe(1000);
    const stop = live.ws.messages("stop")[0];
    expect(stop?.stop).toEqual({ accountSid: "AC00000000000000000000000000000000", callSid: live.callId });
    expect(live.ws.timeline().at(-1)).toBe("stop");
    expect(await finish(live), sippMessages(live.dir)).toBe(0);
    const ended = await rig.app.waitForEvent(
      (e) => e.call_id === live.callId && e.event === "call.ended",
      5000,
    );
    expect(ended.reason).toBe("normal");
  }, 20_000);

  test("DELETE /v1/calls/{id} answers 204, sends the caller a BYE, stops the socket and reports call.ended(local)", async () => {
    const live = await liveCall(rig, undefined, "uac_wait_bye.xml");
    await live.ws.waitForAudio(25, 3000);
    const res = await rig.api(`/v1/calls/${live.callId}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await finish(live), sippMessages(live.dir)).toBe(0); // sipp got the BYE and answered 200
    expect(live.ws.messages("stop")).toHaveLength(1);
    const ended = await rig.app.waitForEvent(
      (e) => e.call_id === live.callId && e.event === "call.ended",
      5000,
    );
    expect(ended.reason).toBe("local");
    expect((await rig.api(`/v1/calls/${live.callId}`)).status).toBe(404);
  }, 20_000);

  test("an accept with stream: false makes the socket upgrade answer 403", async () => {
    rig.app.decide = () => ({ kind: "accept", stream: false });
    try {
      const dir = makeTempDir("calls-stream");
      const n = rig.app.incoming.length;
      const { sipp } = await callGateway({
        dir,
        gatewaySipPort: rig.sipPort,
        scenario: "uac_rtp.xml",
        keys: defaultKeys(dir),
        durationMs: 1500,
      });
      const req = await rig.app.waitForIncoming(n + 1, 5000);
      await rig.app.waitForEvent((e) => e.call_id === req.body.call_id && e.event === "call.answered", 5000);
      const probe = await probeUpgrade(rig.httpUrl, `/ws/${req.body.call_id}`, {
        Authorization: `Bearer ${rig.apiKey}`,
      });
      expect(probe.status).toBe(403);
      expect(probe.body).toContain("stream_disabled");
      expect(await waitExit(sipp, 10_000), sippMessages(dir)).toBe(0);
    } finally {
      rig.app.decide = () => ({ kind: "accept", stream: true, customParameters: { agent: "sales" } });
    }
  }, 20_000);
});
