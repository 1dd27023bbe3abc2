/**
 * Server → client messages of a session (spec/websocket.md §2–§3): exact JSON of `connected`,
 * `start`, `media`, `dtmf`, `mark`, `stop`, sequence numbers, chunk counting and media-clock
 * timestamps across gaps, and the native binary frames of §5.
 */
import { describe, expect, test } from "bun:test";
import { ULAW_DECODE } from "../../src/codec/g711-tables.ts";
import { FakeCall, frameOf, hubRig, openSession as open } from "./fakes.ts";

describe("Twilio message shapes (§3)", () => {
  test("sends connected at once and start at answer with every Twilio field", () => {
    const rig = hubRig();
    const call = new FakeCall("CA0f3c");
    call.customParameters = { agent: "sales" };
    const { socket, sid } = open(rig, "twilio", call);
    expect(sid).toMatch(/^MZ[0-9a-f]{32}$/);
    expect(socket.sent.map((m) => m.text)).toEqual([
      '{"event":"connected","protocol":"Call","version":"1.0.0"}',
    ]);
    call.answer();
    expect(socket.sent[1]!.text).toBe(
      `{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC00000000000000000000000000000000","streamSid":"${sid}","callSid":"CA0f3c","tracks":["inbound"],"customParameters":{"agent":"sales"},"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"${sid}"}`,
    );
  });

  test("sends start immediately when the call is already answered", () => {
    const rig = hubRig();
    const call = new FakeCall();
    call.state = "in_progress";
    const { socket } = open(rig, "twilio", call);
    expect(socket.events()).toEqual(["connected", "start"]);
  });

  test("reports the configured L16 encoding in Twilio mode and always L16 in native mode", () => {
    const l16 = open(hubRig("audio/x-l16"));
    l16.call.answer();
    expect((l16.socket.json()[1]!.start as { mediaFormat: { encoding: string } }).mediaFormat.encoding).toBe(
      "audio/x-l16",
    );
    const native = open(hubRig("audio/x-mulaw"), "native");
    native.call.answer();
    expect(
      (native.socket.json()[1]!.start as { mediaFormat: { encoding: string } }).mediaFormat.encoding,
    ).toBe("audio/x-l16");
  });

  test("frames caller audio as one 160-byte μ-law media message per frame", () => {
    const rig = hubRig();
    const { call, socket, sid } = open(rig);
    call.answer();
    call.listener!.audio(frameOf(1000));
    const text = socket.sent.at(-1)!.text!;
    const payload = (JSON.parse(text) as { media: { payload: string } }).media.payload;
    expect(text).toBe(
      `{"event":"media","sequenceNumber":"2","streamSid":"${sid}","media":{"track":"inbound","chunk":"1","timestamp":"0","payload":"${payload}"}}`,
    );
    const bytes = Uint8Array.fromBase64(payload);
    expect(bytes.length).toBe(160);
    expect(Math.abs(ULAW_DECODE[bytes[0]!]! - 1000)).toBeLessThan(40);
  });

  test("frames caller audio as 320 bytes of PCM16 little-endian with audio/x-l16", () => {
    const rig = hubRig("audio/x-l16");
    const { call, socket } = open(rig);
    call.answer();
    call.listener!.audio(frameOf(-2));
    const payload = (socket.json().at(-1) as { media: { payload: string } }).media.payload;
    const bytes = Uint8Array.fromBase64(payload);
    expect(bytes.length).toBe(320);
    expect([bytes[0], bytes[1]]).toEqual([0xfe, 0xff]);
  });

  test("counts chunks from 1 and timestamps in media-clock ms, jumping across a 2 s gap", () => {
    const rig = hubRig();
    const { call, socket } = open(rig);
    call.answer();
    for (let i = 0; i < 3; i++) {
      call.listener!.audio(frameOf(0));
      rig.clock.advance(20);
    }
    rig.clock.advance(2000);
    call.listener!.audio(frameOf(0));
    const media = socket.json().filter((m) => m.event === "media") as {
      media: { chunk: string; timestamp: string };
    }[];
    expect(media.map((m) => m.media.chunk)).toEqual(["1", "2", "3", "4"]);
    expect(media.map((m) => m.media.timestamp)).toEqual(["0", "20", "40", "2060"]);
  });

  test("never repeats a timestamp when frames arrive in a burst", () => {
    const rig = hubRig();
    const { call, socket } = open(rig);
    call.answer();
    for (let i = 0; i < 3; i++) call.listener!.audio(frameOf(0));
    const ts = socket
      .json()
      .filter((m) => m.event === "media")
      .map((m) => (m.media as { timestamp: string }).timestamp);
    expect(ts).toEqual(["0", "20", "40"]);
  });

  test("sends dtmf with track inbound_track and numbers every message after connected", () => {
    const rig = hubRig();
    const { call, socket, sid } = open(rig);
    call.answer();
    call.listener!.audio(frameOf(0));
    call.listener!.dtmf("5");
    expect(socket.sent.at(-1)!.text).toBe(
      `{"event":"dtmf","sequenceNumber":"3","streamSid":"${sid}","dtmf":{"track":"inbound_track","digit":"5"}}`,
    );
    const seqs = socket.json().map((m) => m.sequenceNumber);
    expect(seqs).toEqual([undefined, "1", "2", "3"]);
  });

  test("echoes a mark with its name byte-for-byte", () => {
    const rig = hubRig();
    const { call, socket, session, sid } = open(rig);
    call.answer();
    const name = 'gr"eet\u00e9-\u{1F600}\\end';
    session.onText(JSON.stringify({ event: "mark", mark: { name } }));
    const last = socket.sent.at(-1)!.text!;
    expect(last).toBe(
      `{"event":"mark","sequenceNumber":"2","streamSid":"${sid}","mark":{"name":${JSON.stringify(name)}}}`,
    );
    expect((JSON.parse(last) as { mark: { name: string } }).mark.name).toBe(name);
  });

  test("sends stop and closes 1000 when the call ends, 1001 on shutdown", () => {
    const a = open(hubRig());
    a.call.answer();
    a.call.end("normal");
    expect(a.socket.sent.at(-2)!.text).toBe(
      `{"event":"stop","sequenceNumber":"2","streamSid":"${a.sid}","stop":{"accountSid":"AC00000000000000000000000000000000","callSid":"${a.call.callId}"}}`,
    );
    expect(a.socket.closeCode()).toBe(1000);
    const b = open(hubRig());
    b.call.answer();
    b.call.end("shutdown");
    expect(b.socket.closeCode()).toBe(1001);
  });
});

describe("native mode framing (§5)", () => {
  test("sends caller audio as 323-byte binary frames: tag 0x01, u16 BE 320, PCM16 LE", () => {
    const rig = hubRig();
    const { call, socket } = open(rig, "native");
    call.answer();
    call.listener!.audio(frameOf(0x1234));
    const frame = socket.sent.at(-1)!;
    expect(frame.kind).toBe("binary");
    expect(frame.bytes!.length).toBe(323);
    expect([...frame.bytes!.subarray(0, 5)]).toEqual([0x01, 0x01, 0x40, 0x34, 0x12]);
  });

  test("numbers only the JSON messages: binary frames take no sequenceNumber", () => {
    const rig = hubRig();
    const { call, socket } = open(rig, "native");
    call.answer();
    call.listener!.audio(frameOf(0));
    call.listener!.dtmf("#");
    expect(socket.json().map((m) => m.sequenceNumber)).toEqual([undefined, "1", "2"]);
  });
});
