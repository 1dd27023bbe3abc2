import { describe, expect, test } from "bun:test";
import { fromUtf8, utf8 } from "../../../src/lib/bytes.ts";
import {
  getHeader,
  getHeaders,
  parseMessage,
  type SipMessage,
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

  test("rejects messages larger than 64 KiB, as bytes or as text", () => {
    const bytes = parseMessage(new Uint8Array(65537));
    expect(bytes.ok || bytes.error.reason).toContain("65536");
    const text = parseMessage(`${INVITE}${"x".repeat(65536)}`);
    expect(text.ok || text.error.reason).toContain("65536");
    // 40000 two-byte characters: under 64 Ki UTF-16 units, over 64 KiB of UTF-8.
    const wide = parseMessage(`${INVITE}${"ж".repeat(40000)}`);
    expect(wide.ok || wide.error.reason).toContain("65536");
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

describe("parseMessage framing and errors", () => {
  const OPTIONS =
    "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n";

  test("ignores CRLFs before the start line (§7.5)", () => {
    expect(parseMessage(`\r\n\r\n${OPTIONS}\r\n`).ok).toBe(true);
  });

  test("accepts bare LF line ends from lenient peers", () => {
    const r = parseMessage(`${OPTIONS}\r\n`.replaceAll("\r\n", "\n"));
    expect(r.ok && getHeader(r.value, "cseq")).toBe("1 OPTIONS");
  });

  test("unfolds continuation lines into one value with single spaces (§7.3.1)", () => {
    const r = parseMessage(
      `${OPTIONS}Subject: I know you're there,\r\n\tpick up the phone\r\n   and talk to me!\r\n\r\n`,
    );
    expect(r.ok && getHeader(r.value, "subject")).toBe(
      "I know you're there, pick up the phone and talk to me!",
    );
  });

  test("accepts a lowercase SIP-Version and rejects other versions", () => {
    expect(parseMessage(`${OPTIONS.replace("SIP/2.0\r\n", "sip/2.0\r\n")}\r\n`).ok).toBe(true);
    expect(parseMessage("SIP/3.0 200 OK\r\n\r\n").ok).toBe(false);
  });

  test.each(["SIP/2.0 099 Low\r\n\r\n", "SIP/2.0 700 High\r\n\r\n", "SIP/2.0 2000 OK\r\n\r\n"])(
    "rejects status lines outside 100-699: %j",
    (s) => expect(parseMessage(s).ok).toBe(false),
  );

  test("truncates a body longer than Content-Length (§18.3)", () => {
    const r = parseMessage(`${OPTIONS}Content-Length: 3\r\n\r\nabcdef`);
    expect(r.ok && fromUtf8(r.value.body)).toBe("abc");
  });

  test("reports the byte offset of the offending line, counting UTF-8 bytes before it", () => {
    const head = "OPTIONS sip:a@b SIP/2.0\r\nSubject: héllo\r\n";
    const r = parseMessage(`${head}Bad Header Line\r\n\r\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toContain("colon");
      expect(r.error.offset).toBe(utf8(head).length);
    }
  });

  test.each([
    ["", "empty"],
    ["OPTIONS sip:a@b SIP/2.0\r\nVia: x", "empty line"],
    [" continued: x\r\n\r\n", "Method"],
    ["OPTIONS sip:a@b SIP/2.0\r\n folded-first\r\n\r\n", "continuation"],
    ["OPTIONS sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n", "header name"],
    ["OPTIONS sip:a@b SIP/2.0\r\nMax-Forwards: 256\r\n\r\n", "Max-Forwards"],
    ["OPTIONS sip:a@b SIP/2.0\r\nCall-ID: a b\r\n\r\n", "Call-ID"],
    ["OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1e3\r\n\r\n", "Content-Length"],
  ])("rejects %j with a reason", (s, why) => {
    const r = parseMessage(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toContain(why);
  });

  test("accepts exactly 64 KiB and copies the body out of the input buffer", () => {
    const head = `${OPTIONS}Content-Length: `;
    const bodyLength = 65536 - utf8(`${head}00000\r\n\r\n`).length;
    const input = utf8(`${head}${String(bodyLength).padStart(5, "0")}\r\n\r\n${"x".repeat(bodyLength)}`);
    expect(input.length).toBe(65536);
    const r = parseMessage(input);
    expect(r.ok && r.value.body.length).toBe(bodyLength);
    input.fill(0);
    expect(r.ok && r.value.body[0]).toBe(0x78);
  });
});

describe("serializeMessage", () => {
  test("rewrites a wrong Content-Length in place with the body's byte count", () => {
    const msg: SipMessage = {
      kind: "request",
      method: "MESSAGE",
      uri: "sip:a@b",
      headers: [
        { name: "l", value: "99" },
        { name: "X", value: "y" },
        { name: "Content-Length", value: "1" },
      ],
      body: utf8("жжж"),
    };
    expect(fromUtf8(serializeMessage(msg))).toBe("MESSAGE sip:a@b SIP/2.0\r\nl: 6\r\nX: y\r\n\r\nжжж");
  });

  test("cannot be made to inject header lines through a value", () => {
    const r = parseMessage("OPTIONS sip:a@b SIP/2.0\r\n\r\n");
    if (!r.ok) throw new Error(r.error.reason);
    const evil = { ...r.value, headers: [{ name: "Subject", value: "hi\r\nVia: SIP/2.0/UDP evil" }] };
    const again = parseMessage(serializeMessage(evil));
    expect(again.ok && getHeaders(again.value, "via")).toEqual([]);
    expect(again.ok && getHeader(again.value, "subject")).toBe("hi Via: SIP/2.0/UDP evil");
  });
});
