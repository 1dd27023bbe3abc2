/**
 * Every row of spec/websocket.md §8, table-driven: each malformed message is ignored (debug
 * log, nothing queued, no reply, socket open), except a message over 4 MiB, which closes the
 * socket with 1009 while the call continues.
 */
import { describe, expect, test } from "bun:test";
import type { StreamEncoding, StreamMode } from "../../src/stream/types.ts";
import { FakeCall, FakeSocket, hubRig } from "./fakes.ts";

function open(mode: StreamMode, encoding: StreamEncoding) {
  const rig = hubRig(encoding);
  const call = new FakeCall();
  call.state = "in_progress";
  rig.calls.set(call.callId, call);
  const socket = new FakeSocket();
  rig.hub.reserve(call.callId);
  const session = rig.hub.open(call.callId, mode, socket);
  return { rig, call, socket, session };
}

function native(header: number[], payloadBytes: number): Uint8Array {
  const b = new Uint8Array(header.length + payloadBytes);
  b.set(header);
  return b;
}

type Row = { row: string; mode: StreamMode; encoding: StreamEncoding; input: string | Uint8Array };
const twilio = (
  row: string,
  input: string | Uint8Array,
  encoding: StreamEncoding = "audio/x-mulaw",
): Row => ({
  row,
  mode: "twilio",
  encoding,
  input,
});

const IGNORED: Row[] = [
  twilio("text that is not JSON", "hello"),
  twilio("truncated JSON", '{"event":"media"'),
  twilio("JSON that is not an object (array)", "[1,2]"),
  twilio("JSON that is not an object (string)", '"media"'),
  twilio("JSON null", "null"),
  twilio("missing event", '{"media":{"payload":"AAAA"}}'),
  twilio("unknown event", '{"event":"start","media":{"payload":"AAAA"}}'),
  twilio("event that is not a string", '{"event":1}'),
  twilio("media without media object", '{"event":"media"}'),
  twilio("media with numeric payload", '{"event":"media","media":{"payload":12}}'),
  twilio("media with invalid base64", '{"event":"media","media":{"payload":"@@@@"}}'),
  twilio("media with base64 of bad length", '{"event":"media","media":{"payload":"A"}}'),
  twilio("media with empty payload", '{"event":"media","media":{"payload":""}}'),
  twilio("media with odd byte count in L16", '{"event":"media","media":{"payload":"AAAA"}}', "audio/x-l16"),
  twilio("mark without mark object", '{"event":"mark"}'),
  twilio("mark with numeric name", '{"event":"mark","mark":{"name":7}}'),
  twilio("binary message in Twilio mode", native([1, 0, 2], 2)),
  {
    row: "native frame shorter than 3 bytes",
    mode: "native",
    encoding: "audio/x-mulaw",
    input: native([1, 0], 0),
  },
  {
    row: "native frame with tag ≠ 0x01",
    mode: "native",
    encoding: "audio/x-mulaw",
    input: native([2, 0, 2], 2),
  },
  {
    row: "native length field larger than the frame",
    mode: "native",
    encoding: "audio/x-mulaw",
    input: native([1, 0, 4], 2),
  },
  {
    row: "native frame with trailing extra bytes",
    mode: "native",
    encoding: "audio/x-mulaw",
    input: native([1, 0, 2], 4),
  },
  { row: "native frame with odd N", mode: "native", encoding: "audio/x-mulaw", input: native([1, 0, 3], 3) },
  { row: "native frame with N = 0", mode: "native", encoding: "audio/x-mulaw", input: native([1, 0, 0], 0) },
];

describe("malformed client input is ignored (§8)", () => {
  for (const r of IGNORED) {
    test(`ignores ${r.row}: nothing queued, no reply, debug log, socket open`, () => {
      const { rig, call, socket, session } = open(r.mode, r.encoding);
      const before = socket.sent.length;
      if (typeof r.input === "string") session.onText(r.input);
      else session.onBinary(r.input);
      expect(socket.sent.length).toBe(before);
      expect(socket.closeCode()).toBeUndefined();
      expect(session.isClosed).toBe(false);
      expect(call.source!.pull(new Int16Array(160))).toBe(false);
      expect(rig.metrics.counts.received).toBe(0);
      expect(rig.logs.some((l) => l.level === "debug" && l.msg === "ignored client message")).toBe(true);
      expect(rig.logs.some((l) => l.level === "error" || l.level === "warn")).toBe(false);
    });
  }

  test("the same session still accepts a valid message after malformed ones", () => {
    const { call, session } = open("twilio", "audio/x-mulaw");
    for (const r of IGNORED.filter((x) => x.mode === "twilio" && typeof x.input === "string")) {
      session.onText(r.input as string);
    }
    session.onText('{"event":"media","media":{"payload":"AAAA"},"sequenceNumber":"9","extra":true}');
    expect(call.source!.pull(new Int16Array(160))).toBe(true);
  });

  test("a mark with an empty-string name is valid and echoed", () => {
    const { socket, session } = open("twilio", "audio/x-mulaw");
    session.onText('{"event":"mark","mark":{"name":""}}');
    expect(socket.json().at(-1)).toMatchObject({ event: "mark", mark: { name: "" } });
  });
});

describe("oversized messages (§8)", () => {
  test("closes with 1009 on a text message over 4 MiB and leaves the call up", () => {
    const { call, socket, session } = open("twilio", "audio/x-mulaw");
    session.onText("x".repeat(4 * 1024 * 1024 + 1));
    expect(socket.closeCode()).toBe(1009);
    expect(session.isClosed).toBe(true);
    expect(call.state).toBe("in_progress");
    expect(call.source).toBeUndefined();
  });

  test("closes with 1009 on a binary message over 4 MiB", () => {
    const { socket, session } = open("native", "audio/x-mulaw");
    session.onBinary(new Uint8Array(4 * 1024 * 1024 + 1));
    expect(socket.closeCode()).toBe(1009);
  });

  test("accepts a large valid media message of several seconds", () => {
    const { call, session } = open("twilio", "audio/x-mulaw");
    session.onText(JSON.stringify({ event: "media", media: { payload: new Uint8Array(80_000).toBase64() } }));
    let frames = 0;
    const out = new Int16Array(160);
    while (call.source!.pull(out)) frames++;
    expect(frames).toBe(500);
  });
});
