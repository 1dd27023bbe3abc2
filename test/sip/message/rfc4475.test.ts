/**
 * RFC 4475 torture messages: every valid one parses to the expected fields; every invalid one
 * is an error value; the semantic ones (§3.1.2.17-18, §3.2, §3.3, §3.4) parse and expose what
 * the upper layer needs to answer as the RFC says. Nothing throws.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fromUtf8 } from "../../../src/lib/bytes.ts";
import {
  checkRequest,
  getCSeq,
  getHeader,
  getHeaders,
  getNameAddr,
  getTag,
  parseMessage,
  parseUri,
  type SipMessage,
  serializeMessage,
  topVia,
} from "../../../src/sip/message/index.ts";

const DIR = join(import.meta.dir, "../../vectors/rfc4475");
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, `${name}.dat`)));

interface Valid {
  name: string;
  /** What the RFC says a receiver does with it. */
  note: string;
  method?: string;
  uri?: string;
  status?: number;
  callId: string;
  cseq: number;
  toTag?: string;
  vias: number;
  bodyLength: number;
  /** Extra property an upper layer relies on. */
  check?: (m: SipMessage) => void;
}

const VALID: Valid[] = [
  {
    name: "wsinv",
    note: "§3.1.1.1 folding, LWS, compact forms, escaped quotes: well-formed",
    method: "INVITE",
    uri: "sip:vivekg@chair-dnrc.example.com;unknownparam",
    callId: "wsinv.ndaksdj@192.0.2.1",
    cseq: 9,
    toTag: "1918181833n",
    vias: 3,
    bodyLength: 150,
    check: (m) => {
      expect(getNameAddr(m, "from")?.displayName).toBe('J Rosenberg \\"');
      expect(getHeader(m, "Max-Forwards")).toBe("0068");
      expect(getHeader(m, "subject")).toBe("");
      expect(getHeader(m, "NewFangledHeader")).toBe("newfangled value continued newfangled value");
      expect(getHeader(m, "UnknownHeaderWithUnusualValue")).toBe(";;,,;;,;");
      expect(getHeaders(m, "via").map((v) => topViaOf(v))).toEqual([
        "192.0.2.2",
        "spindle.example.com",
        "192.168.255.111",
      ]);
      const contact = getNameAddr(m, "contact");
      expect(contact?.displayName).toBe('Quoted string ""');
      expect(contact?.params.get("q")).toBe("0.33");
      expect(contact?.params.get("secondparam")).toBeNull();
    },
  },
  {
    name: "intmeth",
    note: "§3.1.1.2 unusual token characters, quoted NUL, UTF-8: well-formed, unknown method",
    method: "!interesting-Method0123456789_*+`.%indeed'~",
    uri: "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
    callId: "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{",
    cseq: 139122385,
    vias: 1,
    bodyLength: 0,
    check: (m) => {
      expect(getNameAddr(m, "to")?.displayName).toBe("BEL:\x07 NUL:\x00 DEL:\x7f");
      expect(getNameAddr(m, "from")?.displayName).toBe("token1~` token2'+_ token3*%!.-");
      expect(getTag(m, "from")).toBe("_token~1'+`*%!-.");
      expect(getNameAddr(m, "from")?.params.get("fromparam''~+*_!.-%")).toBe('"работающий"');
      expect(getHeader(m, "extensionHeader-!.%*+_`'~")).toBe("\ufeff大停電");
      const uri = m.kind === "request" ? parseUri(m.uri) : undefined;
      expect(uri?.ok && uri.value.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    },
  },
  {
    name: "esc01",
    note: "§3.1.1.3 valid % escapes",
    method: "INVITE",
    uri: "sip:sips%3Auser%40example.com@example.net",
    callId: "esc01.239409asdfakjkn23onasd0-3234",
    cseq: 234234,
    vias: 1,
    bodyLength: 150,
    check: (m) => {
      expect(getNameAddr(m, "to")?.uri.user).toBe("user");
      expect(getNameAddr(m, "from")?.uri.user).toBe("I have spaces");
      const contact = getNameAddr(m, "contact");
      expect(contact?.uri.user).toBe("caller");
      expect(contact?.uri.params.get("lr")).toBeNull();
      expect(contact?.uri.params.get("name")).toBe("value%41");
      const r = m.kind === "request" ? parseUri(m.uri) : undefined;
      expect(r?.ok && r.value.user).toBe("sips:user@example.com");
    },
  },
  {
    name: "escnull",
    note: "§3.1.1.4 escaped NULs in URIs",
    method: "REGISTER",
    uri: "sip:example.com",
    callId: "escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd",
    cseq: 14398234,
    vias: 1,
    bodyLength: 0,
    check: (m) => {
      expect(getNameAddr(m, "to")?.uri.user).toBe("null-\x00-null");
      expect(getHeaders(m, "contact")).toHaveLength(2);
    },
  },
  {
    name: "esc02",
    note: "§3.1.1.5 % that is not an escape (method, display name, header name)",
    method: "RE%47IST%45R",
    uri: "sip:registrar.example.com",
    callId: "esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf",
    cseq: 29344,
    vias: 1,
    bodyLength: 0,
    check: (m) => {
      expect(getNameAddr(m, "to")?.displayName).toBe("%Z%45");
      // C%6Fntact is an unknown header, not Contact.
      expect(getHeaders(m, "contact")).toHaveLength(2);
      expect(getHeader(m, "C%6Fntact")).toBe("<sip:alias2@host2.example.com>");
    },
  },
  {
    name: "lwsdisp",
    note: "§3.1.1.6 no LWS between display name and <",
    method: "OPTIONS",
    uri: "sip:user@example.com",
    callId: "lwsdisp.1234abcd@funky.example.com",
    cseq: 60,
    vias: 1,
    bodyLength: 0,
    check: (m) => expect(getNameAddr(m, "from")?.displayName).toBe("caller"),
  },
  {
    name: "longreq",
    note: "§3.1.1.7 long values and 34 Via values in mixed-case and compact names",
    method: "INVITE",
    uri: "sip:user@example.com",
    callId: `longreq.one${"really".repeat(20)}longcallid`,
    cseq: 3882340,
    vias: 34,
    bodyLength: 150,
    check: (m) => {
      expect(getNameAddr(m, "to")?.uri.port).toBe(6000);
      expect(getTag(m, "from")).toBe(`12${"982".repeat(50)}424`);
      expect(topVia(m)?.host).toBe("sip33.example.com");
    },
  },
  {
    name: "dblreq",
    note: "§3.1.1.8 extra octets after Content-Length in a datagram are discarded",
    method: "REGISTER",
    uri: "sip:example.com",
    callId: "dblreq.0ha0isndaksdj99sdfafnl3lk233412",
    cseq: 8,
    vias: 1,
    bodyLength: 0,
  },
  {
    name: "semiuri",
    note: "§3.1.1.9 ; inside the user part of the Request-URI",
    method: "OPTIONS",
    uri: "sip:user;par=u%40example.net@example.com",
    callId: "semiuri.0ha0isndaksdj",
    cseq: 8,
    vias: 1,
    bodyLength: 0,
    check: (m) => {
      const r = m.kind === "request" ? parseUri(m.uri) : undefined;
      expect(r?.ok && r.value.user).toBe("user;par=u@example.net");
      expect(r?.ok && r.value.params.size).toBe(0);
      expect(getHeaders(m, "accept")).toHaveLength(6);
    },
  },
  {
    name: "transports",
    note: "§3.1.1.10 known and unknown Via transports",
    method: "OPTIONS",
    uri: "sip:user@example.com",
    callId: "transports.kijh4akdnaqjkwendsasfdj",
    cseq: 60,
    vias: 5,
    bodyLength: 0,
    check: (m) =>
      expect(getHeaders(m, "via").map((v) => v.split(" ")[0])).toEqual([
        "SIP/2.0/UDP",
        "SIP/2.0/SCTP",
        "SIP/2.0/TLS",
        "SIP/2.0/UNKNOWN",
        "SIP/2.0/TCP",
      ]),
  },
  {
    name: "mpart01",
    note: "§3.1.1.11 multipart body with binary part; length counts bytes",
    method: "MESSAGE",
    uri: "sip:kumiko@example.org",
    callId: "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..",
    cseq: 1,
    vias: 1,
    bodyLength: 553,
    check: (m) => {
      expect(m.body[m.body.length - 4]).toBe(0x2d);
      expect(topVia(m)?.params.get("rport")).toBeNull();
    },
  },
  {
    name: "unreason",
    note: "§3.1.1.12 UTF-8 reason phrase",
    status: 200,
    callId: "unreason.1234ksdfak3j2erwedfsASdf",
    cseq: 35,
    toTag: "2229",
    vias: 1,
    bodyLength: 154,
    check: (m) =>
      expect(m.kind === "response" && m.reason).toBe("= 2**3 * 5**2 но сто девяносто девять - простое"),
  },
  {
    name: "noreason",
    note: "§3.1.1.13 empty reason phrase",
    status: 100,
    callId: "noreason.asndj203insdf99223ndf",
    cseq: 35,
    toTag: "902jndnke3",
    vias: 1,
    bodyLength: 0,
    check: (m) => expect(m.kind === "response" && m.reason).toBe(""),
  },
];

function topViaOf(value: string): string | undefined {
  const r = parseMessage(`SIP/2.0 200 OK\r\nVia: ${value}\r\n\r\n`);
  return r.ok ? topVia(r.value)?.host : undefined;
}

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

describe("RFC 4475 valid messages (§3.1.1)", () => {
  for (const v of VALID) {
    test(`${v.name} parses: ${v.note}`, () => {
      const r = parseMessage(load(v.name));
      if (!r.ok) throw new Error(`${v.name}: ${r.error.reason} at ${r.error.offset}`);
      const m = r.value;
      if (v.method !== undefined) {
        expect(m.kind).toBe("request");
        if (m.kind === "request") {
          expect(m.method).toBe(v.method);
          expect(m.uri).toBe(v.uri!);
        }
      } else {
        expect(m.kind === "response" && m.status).toBe(v.status!);
      }
      expect(getHeader(m, "call-id")).toBe(v.callId);
      expect(getCSeq(m)?.seq).toBe(v.cseq);
      expect(getTag(m, "to")).toBe(v.toTag);
      expect(getHeaders(m, "via")).toHaveLength(v.vias);
      expect(m.body.length).toBe(v.bodyLength);
      v.check?.(m);
      if (m.kind === "request") expect(checkRequest(m)).toBeUndefined();
    });
    test(`${v.name} survives serialize then parse unchanged`, () => {
      const first = parseMessage(load(v.name));
      if (!first.ok) throw new Error(first.error.reason);
      const again = parseMessage(serializeMessage(first.value));
      expect(again.ok && again.value).toEqual(first.value);
    });
  }
});

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

test("every one of the 49 fixtures is covered by a table", () => {
  const names = new Set([...VALID, ...INVALID, ...SEMANTIC].map((v) => v.name));
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".dat"))
    .map((f) => f.slice(0, -4));
  expect(files.length).toBe(49);
  expect([...names].sort()).toEqual([...files].sort());
});
