/**
 * Hostile WebSocket input against the real gateway process (spec/websocket.md §1, §8): an
 * upgrade to an unknown call is a 404 JSON answer; on a live call (sipp caller, app accepts)
 * every malformed-input row of §8 is ignored — the socket stays open, no error event is sent,
 * nothing is queued (a mark sent afterwards is echoed at once, which only happens on an empty
 * queue, §6), caller audio keeps flowing — and a message over 4 MiB closes the socket with
 * 1009 while the call continues (a new socket gets `start` and audio; the caller's BYE is
 * answered and the app hears `call.ended` reason `normal`). Afterwards the process runs,
 * `/health` and an OPTIONS answer 200.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { expectAlive } from "../support/liveness.ts";
import { makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import { callGateway, defaultKeys, sippMessages } from "../support/sipp-media.ts";
import { tone } from "../support/tone.ts";
import { CallSocket, encodeL16, nativeFrame, probeUpgrade, type StreamMode } from "../support/ws-client.ts";

const skipCalls = skipWithout("sipp", "sox");
const ENCODING = "audio/x-l16";
/** websocket.md §8: any single message over 4 MiB closes the socket with 1009. */
const FOUR_MIB = 4 * 1024 * 1024;
/** Server events a malformed message must never add (Twilio has no error event). */
const LIFECYCLE = new Set(["connected", "start", "mark", "dtmf", "stop"]);

const b64 = (bytes: Uint8Array) => bytes.toBase64();
/** One second of a 440 Hz tone: queued by mistake, it would delay the next mark by ~1 s. */
const SECOND = tone(440, 8000, 8000, 8000);

/** §8 rows that apply to both modes (JSON text control messages), as [row, message]. */
function textRows(): [string, string][] {
  const l16 = encodeL16(SECOND);
  const odd = l16.subarray(0, l16.length - 1);
  return [
    ["text that is not JSON", "this is { not json"],
    ["truncated JSON", '{"event":"media","media":{"payload":"AAAA"'],
    ["JSON array", JSON.stringify([{ event: "mark", mark: { name: "x" } }])],
    ["JSON null", "null"],
    ["JSON number", "42"],
    ["JSON string", '"media"'],
    ["object without event", JSON.stringify({ media: { payload: b64(l16) } })],
    ["unknown event", JSON.stringify({ event: "explode", media: { payload: b64(l16) } })],
    ["event of the wrong type", JSON.stringify({ event: 7 })],
    ["media without media object", JSON.stringify({ event: "media" })],
    ["media with null media", JSON.stringify({ event: "media", media: null })],
    ["media without payload", JSON.stringify({ event: "media", media: {} })],
    ["media with a numeric payload", JSON.stringify({ event: "media", media: { payload: 12345 } })],
    ["media with an array payload", JSON.stringify({ event: "media", media: { payload: [b64(l16)] } })],
    ["media with invalid base64", JSON.stringify({ event: "media", media: { payload: `@@${b64(l16)}!!` } })],
    ["media with an empty payload", JSON.stringify({ event: "media", media: { payload: "" } })],
    ["media with odd-length L16", JSON.stringify({ event: "media", media: { payload: b64(odd) } })],
    ["mark without mark object", JSON.stringify({ event: "mark" })],
    ["mark without name", JSON.stringify({ event: "mark", mark: {} })],
    ["mark with a numeric name", JSON.stringify({ event: "mark", mark: { name: 5 } })],
    ["mark with a null name", JSON.stringify({ event: "mark", mark: { name: null } })],
    ["deeply nested JSON", `${"[".repeat(50_000)}${"]".repeat(50_000)}`],
    ["3 MiB of text under the 4 MiB limit", "x".repeat(3 * 1024 * 1024)],
    ["lone UTF-16 surrogate escapes", '{"event":"\\ud800","mark":{"name":"\\udfff"}}'],
  ];
}

function frame(tag: number, declared: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + body.length);
  out[0] = tag;
  out[1] = (declared >> 8) & 0xff;
  out[2] = declared & 0xff;
  out.set(body, 3);
  return out;
}

/** §8 native-frame rows, as [row, message]. */
function binaryRows(): [string, Uint8Array][] {
  const l16 = encodeL16(SECOND.subarray(0, 4000)); // 0.5 s, 8000 bytes
  return [
    ["empty binary message", new Uint8Array(0)],
    ["1-byte frame", new Uint8Array([0x01])],
    ["2-byte frame", new Uint8Array([0x01, 0x00])],
    ["tag 0x02", frame(0x02, l16.length, l16)],
    ["tag 0x00", frame(0x00, l16.length, l16)],
    ["length field shorter than the payload (trailing bytes)", frame(0x01, 320, l16)],
    ["length field longer than the payload", frame(0x01, l16.length, l16.subarray(0, 320))],
    ["length field 0 with a payload", frame(0x01, 0, l16)],
    ["odd N", frame(0x01, 7999, l16.subarray(0, 7999))],
  ];
}

interface Live {
  callId: string;
  dir: string;
  sipp: Awaited<ReturnType<typeof callGateway>>["sipp"];
  ws: CallSocket;
}

async function liveCall(rig: CallRig, mode: StreamMode): Promise<Live> {
  const dir = makeTempDir("hostile-ws");
  const n = rig.app.incoming.length;
  const { sipp } = await callGateway({
    dir,
    gatewaySipPort: rig.sipPort,
    scenario: "uac_rtp.xml",
    keys: defaultKeys(dir),
    durationMs: 6000,
  });
  const req = await rig.app.waitForIncoming(n + 1, 5000);
  const callId = req.body.call_id;
  const ws = await CallSocket.connect({
    baseUrl: rig.httpUrl,
    callId,
    apiKey: rig.apiKey,
    mode,
    encoding: ENCODING,
  });
  await ws.waitFor("start", 5000);
  await ws.waitForAudio(10, 3000);
  return { callId, dir, sipp, ws };
}

/** The malformed messages left the socket open, sent no error event and queued nothing. */
async function expectIgnored(live: Live, rows: string[]): Promise<void> {
  const { ws } = live;
  const audioBefore = ws.audio.length;
  const marksBefore = ws.messages("mark").length;
  const sentAt = performance.now();
  ws.sendMark("after-garbage");
  const echo = await ws.waitFor("mark", 2000, marksBefore + 1);
  expect(echo.message.mark).toEqual({ name: "after-garbage" });
  // §6: echoed at once only when nothing was queued by any of the malformed messages.
  expect(echo.at - sentAt, `a malformed message was queued as audio: ${rows.join("; ")}`).toBeLessThan(150);
  expect(ws.readyState).toBe(WebSocket.OPEN);
  const odd = ws.received.filter((r) => r.message.event !== "media" && !LIFECYCLE.has(r.message.event));
  expect(odd.map((r) => r.message)).toEqual([]);
  expect(ws.messages("mark").map((m) => m.mark?.name)).toEqual(["after-garbage"]);
  expect(ws.messages("stop")).toEqual([]);
  // Caller audio keeps flowing to the app.
  await ws.waitForAudio(audioBefore + 10, 2000);
}

/** > 4 MiB closes with 1009; the call goes on: a new socket gets start + audio, sipp's BYE is answered. */
async function expectTooBigClosesOnlyTheSocket(
  rig: CallRig,
  live: Live,
  mode: StreamMode,
  big: string | Uint8Array,
): Promise<void> {
  live.ws.sendRaw(big);
  const closed = await Promise.race([live.ws.closed, Bun.sleep(3000).then(() => undefined)]);
  expect(closed?.code).toBe(1009);
  expect((await rig.api(`/v1/calls/${live.callId}`)).status).toBe(200);
  const again = await CallSocket.connect({
    baseUrl: rig.httpUrl,
    callId: live.callId,
    apiKey: rig.apiKey,
    mode,
    encoding: ENCODING,
  });
  try {
    await again.waitFor("start", 3000);
    await again.waitForAudio(10, 3000);
  } finally {
    const exit = await waitExit(live.sipp, 12_000);
    if (exit === undefined) await live.sipp.stop();
    again.close();
    expect(exit, sippMessages(live.dir)).toBe(0);
  }
  const ended = await rig.app.waitForEvent(
    (e) => e.call_id === live.callId && e.event === "call.ended",
    5000,
  );
  expect(ended.reason).toBe("normal");
  await expectAlive(rig);
}

describe("hostile WebSocket input against the running gateway", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig({ encoding: ENCODING, decide: () => ({ kind: "accept", stream: true }) });
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("answers an upgrade to an unknown call with 404 and the JSON error body, and keeps running", async () => {
    for (const id of ["CA00000000000000000000000000000000", "nope", "%00%0d%0a", "x".repeat(4000)]) {
      const probe = await probeUpgrade(rig.httpUrl, `/ws/${id}`, { Authorization: `Bearer ${rig.apiKey}` });
      expect(probe.status).toBe(404);
      expect(JSON.parse(probe.body)).toMatchObject({ error: "not_found", message: expect.any(String) });
    }
    const badMode = await probeUpgrade(rig.httpUrl, "/ws/nope?mode=NATIVE", {
      Authorization: `Bearer ${rig.apiKey}`,
    });
    expect(badMode.status).toBe(400);
    expect(JSON.parse(badMode.body)).toMatchObject({ error: "invalid_request" });
    await expectAlive(rig);
  });

  test.skipIf(skipCalls)(
    "Twilio mode: ignores every malformed row of §8 on a live call, then closes 1009 on a 4 MiB + 1 message while the call continues",
    async () => {
      const live = await liveCall(rig, "twilio");
      const rows = textRows();
      for (const [, msg] of rows) live.ws.sendRaw(msg);
      // §8 "binary message in Twilio mode": a well-formed native frame of 1 s of audio.
      live.ws.sendRaw(nativeFrame(SECOND));
      await expectIgnored(live, [...rows.map(([r]) => r), "binary message in Twilio mode"]);
      await expectTooBigClosesOnlyTheSocket(rig, live, "twilio", "y".repeat(FOUR_MIB + 1));
    },
    30_000,
  );

  test.skipIf(skipCalls)(
    "native mode: ignores every malformed frame and text row of §8 on a live call, then closes 1009 on a 4 MiB + 1 frame while the call continues",
    async () => {
      const live = await liveCall(rig, "native");
      const bin = binaryRows();
      const text = textRows();
      for (const [, msg] of bin) live.ws.sendRaw(msg);
      for (const [, msg] of text) live.ws.sendRaw(msg);
      await expectIgnored(live, [...bin.map(([r]) => r), ...text.map(([r]) => r)]);
      await expectTooBigClosesOnlyTheSocket(rig, live, "native", new Uint8Array(FOUR_MIB + 1).fill(1));
    },
    30_000,
  );
});
