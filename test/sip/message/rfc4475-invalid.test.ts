/**
 * RFC 4475 §3.1.2 invalid messages are error values naming the fault; the semantic cases
 * (§3.1.2.12, §3.1.2.17-18, §3.2, §3.3, §3.4) parse and expose what the UAS needs to answer as
 * the RFC says (checkRequest's status, or the header the upper layer reads). Nothing throws.
 */
import { describe, expect, test } from "bun:test";
import { fromUtf8 } from "../../../src/lib/bytes.ts";
import {
  checkRequest,
  getHeader,
  getHeaders,
  getNameAddr,
  parseMessage,
  type SipMessage,
  topVia,
} from "../../../src/sip/message/index.ts";
import { fixtureNames, load, VALID_NAMES } from "./rfc4475-fixtures.ts";

/** §3.1.2 messages a parser must reject, with the part of the reason that names the fault. */
const INVALID: Array<{ name: string; note: string; reason: RegExp }> = [
  { name: "badinv01", note: "§3.1.2.1 extraneous ; and , separators", reason: /Via/ },
  { name: "clerr", note: "§3.1.2.2 Content-Length larger than the message", reason: /Content-Length/ },
  { name: "ncl", note: "§3.1.2.3 negative Content-Length", reason: /Content-Length/ },
  { name: "scalar02", note: "§3.1.2.4 request scalar fields with overlarge values", reason: /CSeq/ },
  { name: "scalarlg", note: "§3.1.2.5 response scalar fields with overlarge values", reason: /CSeq/ },
  { name: "quotbal", note: "§3.1.2.6 unterminated quoted display name", reason: /quoted/ },
  { name: "ltgtruri", note: "§3.1.2.7 <> around the Request-URI", reason: /Request-URI/ },
  { name: "lwsruri", note: "§3.1.2.8 LWS inside the Request-URI", reason: /Request-Line/ },
  { name: "lwsstart", note: "§3.1.2.9 several SP between Request-Line elements", reason: /Request-Line/ },
  { name: "trws", note: "§3.1.2.10 SP at the end of the Request-Line", reason: /Request-Line/ },
  { name: "escruri", note: "§3.1.2.11 escaped headers in the Request-URI", reason: /headers/ },
  { name: "regbadct", note: "§3.1.2.13 addr-spec with ? not enclosed in <>", reason: /enclosed/ },
  { name: "badaspec", note: "§3.1.2.14 spaces within addr-spec", reason: /whitespace/ },
  { name: "baddn", note: "§3.1.2.15 non-token characters in display name", reason: /display-name/ },
  { name: "badvers", note: "§3.1.2.16 SIP/7.0 (a 505 cannot be built: dropped)", reason: /SIP-Version/ },
  { name: "bigcode", note: "§3.1.2.19 overlarge response code", reason: /Request-Line/ },
  {
    name: "multi01",
    note: "§3.3.8 repeated single-value headers (dropped instead of 400)",
    reason: /more than one/,
  },
  { name: "mcl01", note: "§3.3.9 two Content-Length values", reason: /more than one Content-Length/ },
];

/** Messages that parse and on which the upper layer acts; `expectAnswer` is checkRequest's verdict. */
const SEMANTIC: Array<{ name: string; note: string; answer?: number; check?: (m: SipMessage) => void }> = [
  {
    name: "baddate",
    note: "§3.1.2.12 non-GMT Date: tolerated, xbridge never interprets Date",
    check: (m) => expect(getHeader(m, "date")).toBe("Fri, 01 Jan 2010 16:00:00 EST"),
  },
  { name: "mismatch01", note: "§3.1.2.17 CSeq method differs from the start line: 400", answer: 400 },
  {
    name: "mismatch02",
    note: "§3.1.2.18 unknown method and CSeq mismatch: 400 (also acceptable per RFC)",
    answer: 400,
  },
  {
    name: "badbranch",
    note: "§3.2.1 branch is only the magic cookie: transactions must not treat it as RFC 3261 unique",
    check: (m) => expect(topVia(m)?.params.get("branch")).toBe("z9hG4bK"),
  },
  { name: "insuf", note: "§3.3.1 missing To/From/Call-ID/Max-Forwards: 400", answer: 400 },
  { name: "unkscm", note: "§3.3.2 unknown Request-URI scheme: 416", answer: 416 },
  { name: "novelsc", note: "§3.3.3 known but atypical scheme (soap.beep): 416 at a UA", answer: 416 },
  {
    name: "unksm2",
    note: "§3.3.4 unknown schemes in To/From/Contact: parses; typed accessors give undefined",
    check: (m) => {
      expect(getHeader(m, "to")).toBe("isbn:2983792873");
      expect(getNameAddr(m, "to")).toBeUndefined();
    },
  },
  {
    name: "bext01",
    note: "§3.3.5 Require of unknown extensions: 420 listing them in Unsupported",
    answer: 420,
  },
  {
    name: "invut",
    note: "§3.3.6 unknown Content-Type: the UA answers 415 from this header",
    check: (m) => expect(getHeader(m, "content-type")).toBe("application/unknownformat"),
  },
  {
    name: "regaut01",
    note: "§3.3.7 unknown Authorization scheme: auth layer sees the raw value",
    check: (m) => expect(getHeader(m, "authorization")).toBe("NoOneKnowsThisScheme opaque-data=here"),
  },
  {
    name: "bcast",
    note: "§3.3.10 broadcast address in a Via of a response",
    check: (m) => expect(getHeaders(m, "via")[1]).toContain("255.255.255.255"),
  },
  {
    name: "zeromf",
    note: "§3.3.11 Max-Forwards 0 is fine for a UAS (only proxies answer 483)",
    check: (m) => expect(getHeader(m, "max-forwards")).toBe("0"),
  },
  {
    name: "cparam01",
    note: "§3.3.12 addr-spec Contact: ;unknownparam is a header parameter",
    check: (m) => {
      const c = getNameAddr(m, "contact");
      expect(c?.params.has("unknownparam")).toBe(true);
      expect(c?.uri.params.size).toBe(0);
    },
  },
  {
    name: "cparam02",
    note: "§3.3.13 bracketed Contact: ;unknownparam is a URI parameter",
    check: (m) => {
      const c = getNameAddr(m, "contact");
      expect(c?.uri.params.has("unknownparam")).toBe(true);
      expect(c?.params.size).toBe(0);
    },
  },
  {
    name: "regescrt",
    note: "§3.3.14 escaped Route header in a Contact URI: exposed unescaped",
    check: (m) => expect(getNameAddr(m, "contact")?.uri.headers.get("Route")).toBe("<sip:sip.example.com>"),
  },
  {
    name: "sdp01",
    note: "§3.3.15 Accept excludes the offered type: the UA answers 406 from this header",
    check: (m) => expect(getHeaders(m, "accept")).toEqual(["text/nobodyKnowsThis"]),
  },
  {
    name: "inv2543",
    note: "§3.4.1 RFC 2543 INVITE: no branch, no Max-Forwards, no Content-Length (body = rest of datagram)",
    check: (m) => {
      expect(topVia(m)?.params.has("branch")).toBe(false);
      expect(fromUtf8(m.body)).toStartWith("v=0\r\n");
      // v=0, o=, s=, c=, t=, m= lines with CRLF: 5 + 43 + 5 + 20 + 7 + 25 bytes.
      expect(m.body.length).toBe(105);
      expect(getNameAddr(m, "to")?.params.get("user")).toBe("phone");
    },
  },
];

describe("RFC 4475 invalid messages are error values", () => {
  for (const v of INVALID) {
    test(`${v.name} is rejected: ${v.note}`, () => {
      const r = parseMessage(load(v.name));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.reason).toMatch(v.reason);
    });
  }
});

describe("RFC 4475 semantic cases parse and expose what the UA needs", () => {
  for (const v of SEMANTIC) {
    test(`${v.name}: ${v.note}`, () => {
      const r = parseMessage(load(v.name));
      if (!r.ok) throw new Error(`${v.name}: ${r.error.reason}`);
      const m = r.value;
      if (m.kind === "request") expect(checkRequest(m)?.status).toBe(v.answer);
      v.check?.(m);
    });
  }
  test("bext01 answer lists both unknown option tags in Unsupported", () => {
    const r = parseMessage(load("bext01"));
    if (!r.ok || r.value.kind !== "request") throw new Error("bext01 should parse as a request");
    expect(checkRequest(r.value)?.headers).toEqual([
      { name: "Unsupported", value: "nothingSupportsThis, nothingSupportsThisEither" },
    ]);
    expect(
      checkRequest(r.value, { supported: ["nothingsupportsthis", "nothingSupportsThisEither"] }),
    ).toBeUndefined();
  });
});

test("the valid, invalid and semantic tables cover all 49 fixtures exactly", () => {
  const names = [...VALID_NAMES, ...INVALID.map((v) => v.name), ...SEMANTIC.map((v) => v.name)].sort();
  expect(fixtureNames()).toHaveLength(49);
  expect(names).toEqual(fixtureNames());
});
