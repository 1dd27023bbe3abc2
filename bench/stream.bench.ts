/**
 * Per-frame cost of the call-audio WebSocket (spec/websocket.md §3, §4, §6), socket excluded:
 * - caller frame → Twilio `media` JSON handed to the socket (μ-law encode, base64, template
 *   string), through the real StreamSession, against the same work with `JSON.stringify` of a
 *   message object (the baseline DESIGN.md compares with);
 * - a 20 ms client `media` message → playout queue (JSON.parse, base64 into scratch, μ-law
 *   decode) and one 20 ms pull, against `Uint8Array.fromBase64` (a fresh array per message);
 * - native binary frame out, for comparison.
 * Run alone: `bun run bench/stream.bench.ts`.
 */
import { ULAW_DECODE, ULAW_ENCODE } from "../src/codec/g711-tables.ts";
import { nullLogger } from "../src/lib/logger.ts";
import { StreamHub } from "../src/stream/stream-hub.ts";
import type {
  StreamCallListener,
  StreamCallPort,
  StreamFrameSource,
  StreamSocket,
} from "../src/stream/types.ts";

const N = 200_000;
const WARM = 20_000;

let sink = 0;
const socket: StreamSocket = {
  sendText: (t) => {
    sink += t.length;
    return t.length;
  },
  sendBinary: (b) => {
    sink += b.length;
    return b.length;
  },
  ping() {},
  close() {},
  terminate() {},
};

function answeredCall(
  id: string,
): StreamCallPort & { listener?: StreamCallListener; source?: StreamFrameSource } {
  const call: StreamCallPort & { listener?: StreamCallListener; source?: StreamFrameSource } = {
    callId: id,
    state: "in_progress",
    streamAllowed: true,
    customParameters: {},
    remoteHeld: false,
    playing: false,
    isMuted: false,
    subscribe(l) {
      call.listener = l;
      return () => {};
    },
    setStreamSource(s) {
      call.source = s;
    },
  };
  return call;
}

let t = 0;
const clock = { now: () => (t += 20), wallNow: () => 0 };
const timers = {
  setTimeout: () => ({ id: 0 }),
  clearTimeout() {},
  setInterval: () => ({ id: 0 }),
  clearInterval() {},
};
const noop = { inc() {}, dec() {} };
const hub = new StreamHub({
  clock,
  timers,
  random: { bytes: (n) => new Uint8Array(n).fill(7), int: () => 0 },
  logger: nullLogger,
  metrics: { connections: noop, framesSent: noop, framesReceived: noop },
  encoding: "audio/x-mulaw",
  findCall: (id) => calls.get(id),
});
const calls = new Map<string, ReturnType<typeof answeredCall>>();

function open(id: string, mode: "twilio" | "native") {
  const call = answeredCall(id);
  calls.set(id, call);
  hub.reserve(id);
  const session = hub.open(id, mode, socket);
  return { call, session };
}

function time(label: string, fn: (i: number) => void): number {
  for (let i = 0; i < WARM; i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn(i);
  const us = ((performance.now() - t0) * 1000) / N;
  console.log(`${label.padEnd(66)} ${us.toFixed(3)} µs/frame`);
  return us;
}

const frame = new Int16Array(160);
for (let i = 0; i < 160; i++) frame[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000));

const twilio = open("CAbench1", "twilio");
const template = time("caller frame → Twilio media (session, template string)", () =>
  twilio.call.listener!.audio(frame),
);

const ulaw = new Uint8Array(160);
let seq = 0;
const baseline = time("baseline: same encode + base64 + JSON.stringify(object)", () => {
  for (let i = 0; i < 160; i++) ulaw[i] = ULAW_ENCODE[frame[i]! & 0xffff]!;
  const msg = JSON.stringify({
    event: "media",
    sequenceNumber: String(++seq),
    streamSid: "MZ07070707070707070707070707070707",
    media: { track: "inbound", chunk: String(seq), timestamp: String(seq * 20), payload: ulaw.toBase64() },
  });
  socket.sendText(msg);
});

const native = open("CAbench2", "native");
time("caller frame → native binary frame (session)", () => native.call.listener!.audio(frame));

const client = open("CAbench3", "twilio");
const out = new Int16Array(160);
const msg = JSON.stringify({
  event: "media",
  streamSid: "MZx",
  media: { payload: new Uint8Array(160).fill(0xd5).toBase64() },
});
const inbound = time("client media (20 ms) → queue + one pull (setFromBase64 scratch)", () => {
  client.session.onText(msg);
  client.call.source!.pull(out);
});
time("baseline: JSON.parse + fromBase64 (fresh array) + μ-law decode", () => {
  const m = JSON.parse(msg) as { media: { payload: string } };
  const bytes = Uint8Array.fromBase64(m.media.payload);
  for (let i = 0; i < 160; i++) out[i] = ULAW_DECODE[bytes[i]!]!;
  sink += out[0]!;
});

console.log(
  `template vs JSON.stringify: ${((baseline / template - 1) * 100).toFixed(0)}% faster (sink ${sink % 10})`,
);
console.log(`client media path ${inbound.toFixed(3)} µs per 20 ms frame`);
