/**
 * The session timeline and client audio path (spec/websocket.md §2, §4, §6, §7): audio before
 * answer, stop without start, client close leaving the call up, reconnect with a fresh
 * streamSid, marks through the call's frame source, the 256-frame backlog of a slow client,
 * keepalive, and the ws metrics.
 */
import { describe, expect, test } from "bun:test";
import {
  FakeCall,
  FakeSocket,
  frameOf,
  type HubRig,
  hubRig,
  l16Base64,
  openSession as open,
} from "./fakes.ts";

/** Pulls the call's stream source like the shared media clock: one frame per 20 ms. */
function tick(rig: HubRig, call: FakeCall, frames: number): boolean[] {
  const out = new Int16Array(160);
  const played: boolean[] = [];
  for (let i = 0; i < frames; i++) {
    rig.clock.advance(20);
    played.push(call.source?.pull(out) ?? false);
  }
  return played;
}

const media = (samples: number, value = 1000) =>
  JSON.stringify({ event: "media", streamSid: "MZx", media: { payload: l16Base64(samples, value) } });

describe("session timeline (§2)", () => {
  test("queues client audio before the answer and starts playing it at answer", () => {
    const rig = hubRig("audio/x-l16");
    const { call, session } = open(rig);
    session.onText(media(320));
    expect(tick(rig, call, 3)).toEqual([false, false, false]);
    call.answer();
    expect(tick(rig, call, 3)).toEqual([true, true, false]);
  });

  test("holds a mark echo fired before the answer until start has been sent", () => {
    const rig = hubRig();
    const { call, socket, session } = open(rig);
    session.onText('{"event":"mark","mark":{"name":"early"}}');
    expect(socket.events()).toEqual(["connected"]);
    call.answer();
    expect(socket.events()).toEqual(["connected", "start", "mark"]);
    expect(socket.json()[2]!.sequenceNumber).toBe("2");
  });

  test("sends stop without start when the call ends before the answer", () => {
    const rig = hubRig();
    const { call, socket } = open(rig);
    call.end("no_answer");
    expect(socket.events()).toEqual(["connected", "stop"]);
    expect(socket.json()[1]!.sequenceNumber).toBe("1");
    expect(socket.closeCode()).toBe(1000);
  });

  test("sends stop without start when a ringing call is accepted with stream: false", () => {
    const rig = hubRig();
    const { call, socket } = open(rig);
    call.streamAllowed = false;
    call.listener!.streamDisabled();
    expect(socket.events()).toEqual(["connected", "stop"]);
    expect(socket.closeCode()).toBe(1000);
  });

  test("a client close leaves the call up, discards its queue and lets a new socket connect", () => {
    const rig = hubRig("audio/x-l16");
    const first = open(rig);
    first.call.answer();
    first.session.onText(media(1600));
    first.session.onText('{"event":"mark","mark":{"name":"lost"}}');
    first.session.onSocketClosed();
    expect(first.call.state).toBe("in_progress");
    expect(first.call.source).toBeUndefined();
    expect(first.call.listener).toBeUndefined();
    expect(first.socket.events()).toEqual(["connected", "start"]);

    const second = open(rig, "twilio", first.call);
    expect(second.session.streamSid).not.toBe(first.session.streamSid);
    expect(second.socket.events()).toEqual(["connected", "start"]);
    expect(tick(rig, second.call, 1)).toEqual([false]);
  });

  test("discards the queue and un-echoed marks when the call ends", () => {
    const rig = hubRig("audio/x-l16");
    const { call, socket, session } = open(rig);
    call.answer();
    session.onText(media(1600));
    session.onText('{"event":"mark","mark":{"name":"never"}}');
    call.end("normal");
    expect(socket.events()).toEqual(["connected", "start", "stop"]);
    expect(call.source).toBeUndefined();
  });

  test("stops at once when the call vanished between the handshake and the open", () => {
    const rig = hubRig();
    const call = new FakeCall();
    rig.calls.set(call.callId, call);
    expect(rig.hub.reserve(call.callId).ok).toBe(true);
    rig.calls.delete(call.callId);
    const socket = new FakeSocket();
    rig.hub.open(call.callId, "twilio", socket);
    expect(socket.events()).toEqual(["connected", "stop"]);
    expect(rig.hub.size).toBe(0);
  });

  test("a passed handshake whose socket never opens stops blocking the call after 10 s", () => {
    const rig = hubRig();
    rig.calls.set("CA9", new FakeCall("CA9"));
    expect(rig.hub.reserve("CA9").ok).toBe(true);
    expect(rig.hub.reserve("CA9")).toEqual({ ok: false, error: "conflict" });
    rig.clock.advance(9_999);
    expect(rig.hub.reserve("CA9").ok).toBe(false);
    rig.clock.advance(1);
    expect(rig.hub.reserve("CA9").ok).toBe(true);
  });

  test("forgets lapsed handshakes of other calls, so abandoned upgrades do not pile up", () => {
    const rig = hubRig();
    for (const id of ["CA1", "CA2", "CA3"]) {
      rig.calls.set(id, new FakeCall(id));
      expect(rig.hub.reserve(id).ok).toBe(true);
      rig.clock.advance(4_000);
    }
    // CA1 was checked 12 s ago, CA2 8 s ago, CA3 4 s ago.
    rig.calls.set("CA4", new FakeCall("CA4"));
    expect(rig.hub.reserve("CA4").ok).toBe(true);
    expect(rig.hub.pendingHandshakes).toBe(3);
    expect(rig.hub.reserve("CA2")).toEqual({ ok: false, error: "conflict" });
    rig.clock.advance(10_000);
    rig.calls.set("CA5", new FakeCall("CA5"));
    expect(rig.hub.reserve("CA5").ok).toBe(true);
    expect(rig.hub.pendingHandshakes).toBe(1);
  });

  test("closeAll sends stop and closes every socket with 1001", () => {
    const rig = hubRig();
    const a = open(rig, "twilio", new FakeCall("CA1"));
    const b = open(rig, "native", new FakeCall("CA2"));
    a.call.answer();
    rig.hub.closeAll();
    expect(a.socket.closeCode()).toBe(1001);
    expect(b.socket.closeCode()).toBe(1001);
    expect(rig.hub.size).toBe(0);
  });
});

describe("client audio and marks through the call's frame source (§4, §6)", () => {
  test("echoes a mark queued after 2 s of client audio 2 s later (±20 ms)", () => {
    const rig = hubRig("audio/x-l16");
    const { call, socket, session } = open(rig);
    call.answer();
    const t0 = rig.clock.now();
    session.onText(media(16000));
    session.onText('{"event":"mark","mark":{"name":"two-seconds"}}');
    let echoedAt = -1;
    for (let i = 0; i < 150 && echoedAt < 0; i++) {
      tick(rig, call, 1);
      if (socket.events().includes("mark")) echoedAt = rig.clock.now();
    }
    expect(Math.abs(echoedAt - t0 - 2000)).toBeLessThanOrEqual(20);
  });

  test("clear echoes pending marks immediately and in order", () => {
    const rig = hubRig();
    const { call, socket, session } = open(rig);
    call.answer();
    session.onText(
      JSON.stringify({ event: "media", media: { payload: new Uint8Array(8000).fill(0x7f).toBase64() } }),
    );
    session.onText('{"event":"mark","mark":{"name":"a"}}');
    session.onText('{"event":"mark","mark":{"name":"b"}}');
    session.onText('{"event":"clear","streamSid":"MZx"}');
    expect(
      socket
        .json()
        .filter((m) => m.event === "mark")
        .map((m) => (m.mark as { name: string }).name),
    ).toEqual(["a", "b"]);
    expect(tick(rig, call, 1)).toEqual([false]);
  });

  test("accepts native binary frames of any even length and decodes them as PCM16 LE", () => {
    const rig = hubRig();
    const { call, session } = open(rig, "native");
    call.answer();
    const frame = new Uint8Array(3 + 480);
    frame[0] = 1;
    frame[1] = 0x01;
    frame[2] = 0xe0;
    for (let i = 3; i < frame.length; i += 2) frame[i] = 0x10;
    session.onBinary(frame);
    const out = new Int16Array(160);
    expect(call.source!.pull(out)).toBe(true);
    expect(out[0]).toBe(0x10);
    expect(rig.metrics.counts.received).toBe(1);
  });

  test("follows the call's remote hold, play and mute events", () => {
    const rig = hubRig("audio/x-l16");
    const { call, socket, session } = open(rig);
    call.answer();
    session.onText(media(320));
    session.onText('{"event":"mark","mark":{"name":"m"}}');
    call.listener!.remoteHold(true);
    expect(tick(rig, call, 2)).toEqual([false, false]);
    call.listener!.remoteHold(false);
    call.listener!.playActive(true);
    expect(tick(rig, call, 2)).toEqual([false, false]);
    call.listener!.playActive(false);
    call.listener!.muted(true);
    expect(tick(rig, call, 2)).toEqual([false, false]);
    expect(socket.events().at(-1)).toBe("mark");
  });

  test("starts paused when the call is already held by the remote or playing", () => {
    const rig = hubRig("audio/x-l16");
    const call = new FakeCall();
    call.state = "on_hold";
    call.remoteHeld = true;
    const { session } = open(rig, "twilio", call);
    session.onText(media(160));
    expect(tick(rig, call, 1)).toEqual([false]);
    call.listener!.remoteHold(false);
    expect(tick(rig, call, 1)).toEqual([true]);
  });
});

describe("queue bound (§6 Queue)", () => {
  test("warns once per socket when client audio beyond 600 s is dropped", () => {
    const rig = hubRig();
    const { call, session } = open(rig);
    call.answer();
    const fiveMinutes = JSON.stringify({
      event: "media",
      media: { payload: new Uint8Array(2_400_000).toBase64() },
    });
    for (let i = 0; i < 3; i++) session.onText(fiveMinutes);
    const warnings = rig.logs.filter((l) => l.level === "warn");
    expect(warnings.map((w) => w.msg)).toEqual([
      "outbound audio queue is full (600 s); dropping the newest audio",
    ]);
    let frames = 0;
    const out = new Int16Array(160);
    while (call.source!.pull(out)) frames++;
    expect(frames).toBe(30_000);
  });
});

describe("caller audio to a slow client (§7)", () => {
  test("keeps at most 256 unsent frames, drops the oldest, and flushes in order on drain", () => {
    const rig = hubRig("audio/x-l16");
    const { call, socket, session } = open(rig);
    call.answer();
    socket.status = -1;
    call.listener!.audio(frameOf(0)); // queued behind backpressure inside Bun
    for (let i = 1; i <= 300; i++) call.listener!.audio(frameOf(i));
    expect(socket.events().filter((e) => e === "media").length).toBe(1);
    socket.status = 1;
    session.onDrain();
    const media = socket.json().filter((m) => m.event === "media") as {
      media: { chunk: string; payload: string };
    }[];
    expect(media.length).toBe(257);
    const firstFlushed = Uint8Array.fromBase64(media[1]!.media.payload);
    expect(firstFlushed[0]).toBe(45); // frames 1…44 were evicted: 300 − 256 = 44
    expect(media.map((m) => m.media.chunk).slice(0, 3)).toEqual(["1", "2", "3"]);
  });

  test("stops flushing when the socket pushes back again", () => {
    const rig = hubRig();
    const { call, socket, session } = open(rig);
    call.answer();
    socket.status = -1;
    for (let i = 0; i < 10; i++) call.listener!.audio(frameOf(i));
    session.onDrain(); // still -1: one frame goes into Bun's buffer, the rest wait
    expect(socket.events().filter((e) => e === "media").length).toBe(2);
  });
});

describe("keepalive and metrics (§2.6, rest-api.md metrics)", () => {
  test("pings every 20 s and terminates a socket that did not pong within the next 20 s", () => {
    const rig = hubRig();
    const { call, socket, session } = open(rig);
    rig.clock.advance(20_000);
    expect(socket.sent.filter((m) => m.kind === "ping").length).toBe(1);
    session.onPong();
    rig.clock.advance(20_000);
    expect(socket.sent.filter((m) => m.kind === "ping").length).toBe(2);
    rig.clock.advance(20_000);
    expect(socket.sent.at(-1)!.kind).toBe("terminate");
    expect(call.state).toBe("ringing");
    expect(rig.hub.reserve(call.callId).ok).toBe(true);
  });

  test("counts open sockets, sent messages and accepted client audio", () => {
    const rig = hubRig();
    const { call, session } = open(rig);
    expect(rig.metrics.counts.connections).toBe(1);
    call.answer();
    call.listener!.audio(frameOf(0));
    session.onText(JSON.stringify({ event: "media", media: { payload: "f39/" } }));
    session.onText("garbage");
    expect(rig.metrics.counts.sent).toBe(3);
    expect(rig.metrics.counts.received).toBe(1);
    session.onSocketClosed();
    expect(rig.metrics.counts.connections).toBe(0);
  });
});
