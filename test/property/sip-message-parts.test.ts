/**
 * Round-trip properties of the typed SIP values (RFC 3261 §19.1, §20.10, §20.42, §25.1):
 * parse(serialize(x)) = x for generated URIs, name-addrs and Via values, including escaped
 * user parts, parameters without values and IPv6 references (RFC 5118).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  type NameAddr,
  type Params,
  parseNameAddr,
  parseUri,
  parseVia,
  type SipUri,
  serializeNameAddr,
  serializeUri,
  serializeVia,
  type Via,
} from "../../src/sip/message/index.ts";

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~";
const token = fc
  .array(fc.constantFrom(...TOKEN_CHARS), { minLength: 1, maxLength: 10 })
  .map((cs) => cs.join(""));
const lowerToken = token.map((t) => t.toLowerCase());
const host = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?$/),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);
const port = fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined });
/** Any text at all: the serializer must escape what the grammar does not allow raw. */
const anyText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 });

function params(value: fc.Arbitrary<string>): fc.Arbitrary<Params> {
  return fc.array(fc.tuple(lowerToken, fc.option(value, { nil: null })), { maxLength: 4 }).map((pairs) => {
    const m: Params = new Map();
    for (const [k, v] of pairs) if (!m.has(k)) m.set(k, v);
    return m;
  });
}

const sipUri: fc.Arbitrary<SipUri> = fc
  .record({
    scheme: fc.constantFrom("sip" as const, "sips" as const),
    user: fc.option(anyText, { nil: undefined }),
    password: fc.option(anyText, { nil: undefined }),
    host,
    port,
    params: params(anyText),
    headers: fc.array(fc.tuple(token, anyText), { maxLength: 2 }).map((hs) => new Map(hs)),
  })
  .map((r) => {
    const u: SipUri = { scheme: r.scheme, host: r.host, params: r.params, headers: r.headers };
    if (r.user !== undefined) {
      u.user = r.user;
      if (r.password !== undefined) u.password = r.password;
    }
    if (r.port !== undefined) u.port = r.port;
    return u;
  });

describe("typed values round-trip", () => {
  test("SIP URIs with escaped user, password, parameters and headers", () => {
    fc.assert(
      fc.property(sipUri, (u) => {
        const r = parseUri(serializeUri(u));
        if (!r.ok) throw new Error(`${serializeUri(u)}: ${r.error.reason}`);
        expect(r.value).toEqual(u);
      }),
      { numRuns: 1000 },
    );
  });

  test("name-addrs with quoted display names and header parameters", () => {
    const na: fc.Arbitrary<NameAddr> = fc
      .record({
        displayName: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
        uri: sipUri,
        params: params(token),
      })
      .map((r) => {
        const n: NameAddr = { uri: r.uri, params: r.params };
        if (r.displayName !== undefined) n.displayName = r.displayName;
        return n;
      });
    fc.assert(
      fc.property(na, (n) => {
        const r = parseNameAddr(serializeNameAddr(n));
        if (!r.ok) throw new Error(`${serializeNameAddr(n)}: ${r.error.reason}`);
        expect(r.value).toEqual(n);
      }),
      { numRuns: 1000 },
    );
  });

  test("Via values with branch, received and rport", () => {
    const via: fc.Arbitrary<Via> = fc
      .record({
        transport: fc.constantFrom("UDP", "TCP", "TLS", "SCTP", "WS", "WSS"),
        host,
        port,
        params: params(token),
      })
      .map((r) => {
        const v: Via = { protocol: "SIP/2.0", transport: r.transport, host: r.host, params: r.params };
        if (r.port !== undefined) v.port = r.port;
        return v;
      });
    fc.assert(
      fc.property(via, (v) => {
        const r = parseVia(serializeVia(v));
        if (!r.ok) throw new Error(`${serializeVia(v)}: ${r.error.reason}`);
        expect(r.value).toEqual(v);
      }),
      { numRuns: 1000 },
    );
  });
});
