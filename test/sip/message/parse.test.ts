import { describe, expect, test } from "bun:test";
import { fromUtf8, utf8 } from "../../../src/lib/bytes.ts";
import {
  getHeader,
  getHeaders,
  parseMessage,
  serializeMessage,
  topVia,
} from "../../../src/sip/message/index.ts";

const INVITE = [
  "INVITE sip:bob@example.com SIP/2.0",
  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc;rport",
  "v: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKdef, SIP/2.0/UDP h;branch=x",
  'f: "Alice" <sip:alice@example.com>;tag=1',
  "t: sip:bob@example.com",
  "i: abc@h",
  "CSeq: 1 INVITE",
  "Max-Forwards: 70",
  "Contact: <sip:a@192.0.2.4>",
  "l: 6",
  "",
  "héllo",
].join("\r\n");

describe("parseMessage", () => {
  test("reads a request's start line, compact headers and a UTF-8 body sized in bytes", () => {
    const r = parseMessage(INVITE);
    expect(r.ok).toBe(true);
    if (!r.ok || r.value.kind !== "request") throw new Error("expected a request");
    expect(r.value.method).toBe("INVITE");
    expect(r.value.uri).toBe("sip:bob@example.com");
    expect(getHeader(r.value, "Call-ID")).toBe("abc@h");
    expect(getHeader(r.value, "FROM")).toBe('"Alice" <sip:alice@example.com>;tag=1');
    expect(getHeaders(r.value, "via")).toHaveLength(3);
    expect(topVia(r.value)?.params.get("branch")).toBe("z9hG4bKabc");
    expect(fromUtf8(r.value.body)).toBe("héllo");
  });

  test("rejects a body shorter than Content-Length", () => {
    const r = parseMessage(INVITE.replace("l: 6", "l: 60"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toContain("Content-Length");
  });

  test("takes the rest of the datagram as body when Content-Length is missing", () => {
    const r = parseMessage(INVITE.replace("l: 6\r\n", ""));
    expect(r.ok && fromUtf8(r.value.body)).toBe("héllo");
  });

  test("rejects messages larger than 64 KiB", () => {
    const r = parseMessage(new Uint8Array(65537));
    expect(r.ok).toBe(false);
  });

  test("serialize then parse keeps every header and recomputes Content-Length in bytes", () => {
    const first = parseMessage(INVITE);
    if (!first.ok) throw new Error(first.error.reason);
    const bytes = serializeMessage(first.value);
    const again = parseMessage(bytes);
    expect(again.ok && again.value).toEqual(first.value);
    expect(fromUtf8(bytes)).toContain("l: 6\r\n");
    expect(bytes.length).toBe(utf8(INVITE).length);
  });
});
