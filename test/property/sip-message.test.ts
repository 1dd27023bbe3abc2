/**
 * Properties of the SIP message layer (RFC 3261 §7, §20, §25): generated messages survive
 * serialize → parse unchanged and serialization is stable; no input — random bytes, random
 * text, or a mutated RFC 4475 message — makes a parser throw (DESIGN.md rule 2).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  type Header,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  type SipMessage,
  serializeMessage,
} from "../../src/sip/message/index.ts";

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
const token = fc
  .array(fc.constantFrom(...TOKEN_CHARS), { minLength: 1, maxLength: 12 })
  .map((cs) => cs.join(""));
const hostname = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 3 })
  .map((labels) => labels.join("."));
const host = fc.oneof(
  hostname,
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

/** Header text: printable ASCII and some UTF-8, inner spaces only, never CR/LF. */
const valueChar = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 3, arbitrary: fc.constant(" ") },
  { weight: 1, arbitrary: fc.constantFrom("é", "大", "ж", "\u{1F600}") },
);
const headerValue = fc.array(valueChar, { maxLength: 40 }).map((cs) => cs.join("").replace(/^ +| +$/g, ""));

/** Names the parser validates are generated separately, with valid values. */
const RESERVED = new Set(
  "via v from f to t call-id i cseq max-forwards content-length l contact m warning retry-after".split(" "),
);
const extensionHeader: fc.Arbitrary<Header> = fc.record({
  name: token.filter((n) => !RESERVED.has(n.toLowerCase())),
  value: headerValue,
});

const via = fc
  .tuple(fc.constantFrom("UDP", "TCP", "TLS", "WS"), host, port, token)
  .map(([t, h, p, b]) => `SIP/2.0/${t} ${h}${p === undefined ? "" : `:${p}`};branch=z9hG4bK${b};rport`);
const nameAddr = fc
  .tuple(fc.option(headerValue.filter((s) => s.length > 0)), token, host, fc.option(token))
  .map(([display, user, h, tag]) => {
    const d = display === null ? "" : `"${display.replace(/["\\]/g, (c) => `\\${c}`)}" `;
    return `${d}<sip:${user.replace(/[%]/g, "x")}@${h}>${tag === null ? "" : `;tag=${tag}`}`;
  });

const message: fc.Arbitrary<SipMessage> = fc
  .record({
    isRequest: fc.boolean(),
    method: token,
    user: token.map((u) => u.replace(/%/g, "x")),
    host,
    status: fc.integer({ min: 100, max: 699 }),
    reason: headerValue,
    vias: fc.array(via, { minLength: 1, maxLength: 3 }),
    from: nameAddr,
    to: nameAddr,
    callId: fc.stringMatching(/^[A-Za-z0-9.@-]{1,30}$/),
    seq: fc.integer({ min: 0, max: 0x7fffffff }),
    extra: fc.array(extensionHeader, { maxLength: 6 }),
    body: fc.uint8Array({ maxLength: 300 }),
  })
  .map((r) => {
    const headers: Header[] = [
      ...r.vias.map((v) => ({ name: "Via", value: v })),
      { name: "From", value: r.from },
      { name: "To", value: r.to },
      { name: "Call-ID", value: r.callId },
      { name: "CSeq", value: `${r.seq} ${r.method}` },
      ...r.extra,
      { name: "Content-Length", value: String(r.body.length) },
    ];
    return r.isRequest
      ? { kind: "request", method: r.method, uri: `sip:${r.user}@${r.host}`, headers, body: r.body }
      : { kind: "response", status: r.status, reason: r.reason, headers, body: r.body };
  });

describe("serialize then parse", () => {
  test("returns the generated message unchanged", () => {
    fc.assert(
      fc.property(message, (m) => {
        const r = parseMessage(serializeMessage(m));
        if (!r.ok) throw new Error(`${r.error.reason} @${r.error.offset}`);
        expect(r.value).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  test("is stable: serializing the parsed message gives the same bytes", () => {
    fc.assert(
      fc.property(message, (m) => {
        const once = serializeMessage(m);
        const r = parseMessage(once);
        expect(r.ok && serializeMessage(r.value)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });
});

const FIXTURES = join(import.meta.dir, "../vectors/rfc4475");
const torture = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".dat"))
  .map((f) => new Uint8Array(readFileSync(join(FIXTURES, f))));

/** A torture message with a few bytes replaced, inserted or deleted. */
const mutated = fc
  .tuple(
    fc.constantFrom(...torture),
    fc.array(
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "delete")),
      {
        minLength: 1,
        maxLength: 8,
      },
    ),
  )
  .map(([src, edits]) => {
    const bytes = Array.from(src);
    for (const [pos, byte, op] of edits) {
      const i = pos % (bytes.length + 1);
      if (op === "set" && i < bytes.length) bytes[i] = byte;
      else if (op === "insert") bytes.splice(i, 0, byte);
      else bytes.splice(i, 1);
    }
    return new Uint8Array(bytes);
  });

function neverThrows(input: Uint8Array | string): void {
  const r = parseMessage(input);
  expect(typeof r.ok).toBe("boolean");
  if (!r.ok) expect(r.error.reason.length).toBeGreaterThan(0);
}

describe("parsers never throw", () => {
  test("on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), neverThrows), { numRuns: 2000 });
  });

  test("on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 1024 }), neverThrows), { numRuns: 2000 });
  });

  test("on mutated RFC 4475 messages", () => {
    fc.assert(fc.property(mutated, neverThrows), { numRuns: 3000 });
  });

  test("on inputs past the 64 KiB bound, answering with an error", () => {
    const big = new Uint8Array(70000).fill(0x41);
    const r = parseMessage(big);
    expect(r.ok).toBe(false);
  });

  test("for URI, name-addr, Via and CSeq text", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.stringMatching(/^(sips?|tel):[\x21-\x7e]{0,40}$/),
      fc.stringMatching(/^"?[ -~]{0,20}"? ?<sips?:[ -~]{0,30}>?(;[ -~]{0,10})*$/),
      fc.stringMatching(/^SIP ?\/ ?2\.0 ?\/ ?[A-Z]{0,4} [ -~]{0,40}$/),
    );
    fc.assert(
      fc.property(text, (s) => {
        for (const r of [parseUri(s), parseNameAddr(s), parseVia(s), parseCSeq(s)]) {
          expect(typeof r.ok).toBe("boolean");
        }
      }),
      { numRuns: 3000 },
    );
  });
});
