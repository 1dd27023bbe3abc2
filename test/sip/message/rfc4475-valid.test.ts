/**
 * RFC 4475 §3.1.1 valid torture messages: each parses to the expected start line, Call-ID,
 * CSeq, To tag, Via count and body length, passes the UAS checks, and survives
 * serialize → parse unchanged.
 */
import { describe, expect, test } from "bun:test";
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
import { load, VALID_NAMES } from "./rfc4475-fixtures.ts";

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

test("the valid table names exactly the 13 messages of RFC 4475 §3.1.1", () => {
  expect(VALID.map((v) => v.name)).toEqual([...VALID_NAMES]);
});
