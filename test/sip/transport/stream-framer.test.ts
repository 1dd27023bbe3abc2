import { describe, expect, test } from "bun:test";
import { utf8 } from "../../../src/lib/bytes.ts";
import { MAX_STREAM_MESSAGE, StreamFramer } from "../../../src/sip/transport/stream-framer.ts";

const dec = new TextDecoder();
const OPTIONS =
  "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK1\r\nContent-Length: 4\r\n\r\nabcd";
const RESPONSE = "SIP/2.0 200 OK\r\nl: 0\r\n\r\n";

function texts(outs: ReturnType<StreamFramer["push"]>): string[] {
  return outs.map((o) => (o.kind === "message" ? dec.decode(o.bytes) : o.kind));
}

describe("stream framer (RFC 3261 §18.3)", () => {
  test("frames two messages delivered in one chunk by Content-Length", () => {
    const f = new StreamFramer();
    expect(texts(f.push(utf8(OPTIONS + RESPONSE)))).toEqual([OPTIONS, RESPONSE]);
    expect(f.buffered).toBe(0);
  });

  test("waits for a body split across chunks, byte by byte", () => {
    const f = new StreamFramer();
    const all: string[] = [];
    for (const b of utf8(OPTIONS)) all.push(...texts(f.push(new Uint8Array([b]))));
    expect(all).toEqual([OPTIONS]);
  });

  test("counts Content-Length in bytes, not characters", () => {
    const body = "é€";
    const msg = `MESSAGE sip:a@b SIP/2.0\r\nContent-Length: ${utf8(body).length}\r\n\r\n${body}`;
    expect(texts(new StreamFramer().push(utf8(msg)))).toEqual([msg]);
  });

  test("reports a CRLFCRLF keep-alive as a ping (RFC 5626 §3.5.1)", () => {
    expect(texts(new StreamFramer().push(utf8(`\r\n\r\n${RESPONSE}`)))).toEqual(["ping", RESPONSE]);
  });

  test("skips a lone CRLF (pong) before a message", () => {
    expect(texts(new StreamFramer().push(utf8(`\r\n${RESPONSE}`)))).toEqual([RESPONSE]);
  });

  test("fails a message without Content-Length", () => {
    expect(texts(new StreamFramer().push(utf8("SIP/2.0 200 OK\r\nVia: x\r\n\r\n")))).toEqual(["error"]);
  });

  test("fails conflicting Content-Length headers", () => {
    expect(
      texts(new StreamFramer().push(utf8("SIP/2.0 200 OK\r\nContent-Length: 1\r\nl: 2\r\n\r\nab"))),
    ).toEqual(["error"]);
  });

  test("fails garbage that is not a SIP start line and then stays silent", () => {
    const f = new StreamFramer();
    expect(texts(f.push(utf8("GET / HTTP/1.1\r\nHost: x\r\n\r\n")))).toEqual(["error"]);
    expect(f.push(utf8(RESPONSE))).toEqual([]);
  });

  test("fails binary noise without a line end once past the start-line bound", () => {
    const f = new StreamFramer();
    const noise = new Uint8Array(9000).fill(0x41);
    expect(texts(f.push(noise))).toEqual(["error"]);
  });

  test("fails a message whose Content-Length exceeds the 64 KiB cap", () => {
    const msg = `SIP/2.0 200 OK\r\nContent-Length: ${MAX_STREAM_MESSAGE}\r\n\r\n`;
    expect(texts(new StreamFramer().push(utf8(msg)))).toEqual(["error"]);
  });

  test("fails an endless header section at the cap", () => {
    const f = new StreamFramer();
    let outs: string[] = texts(f.push(utf8("SIP/2.0 200 OK\r\n")));
    const line = utf8(`X-Pad: ${"p".repeat(1000)}\r\n`);
    for (let i = 0; i < 70 && outs.length === 0; i++) outs = texts(f.push(line));
    expect(outs).toEqual(["error"]);
  });
});
