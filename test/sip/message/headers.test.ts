import { describe, expect, test } from "bun:test";
import {
  addHeader,
  getHeader,
  getHeaders,
  getTag,
  parseMessage,
  removeHeader,
  type SipMessage,
  setHeader,
  topVia,
  withTopVia,
} from "../../../src/sip/message/index.ts";

function msg(...headers: string[]): SipMessage {
  const r = parseMessage(`OPTIONS sip:a@b SIP/2.0\r\n${headers.join("\r\n")}\r\n\r\n`);
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
}

describe("header access (RFC 3261 §7.3)", () => {
  test("names match case-insensitively and compact forms equal long forms (§7.3.3)", () => {
    const m = msg("i: abc", "f: <sip:x@y>;tag=1", "t: <sip:z@y>", "k: 100rel", "x-LOWER: 1");
    expect(getHeader(m, "Call-ID")).toBe("abc");
    expect(getHeader(m, "I")).toBe("abc");
    expect(getHeader(m, "supported")).toBe("100rel");
    expect(getHeader(m, "X-Lower")).toBe("1");
    expect(getTag(m, "from")).toBe("1");
    expect(getTag(m, "to")).toBeUndefined();
  });

  test("list headers split on commas outside quotes and <> (§7.3.1)", () => {
    const m = msg('Contact: "Doe, John" <sip:j@h;x=a,b>;q=0.5, <sip:k@h>', "m: sip:l@h");
    expect(getHeaders(m, "contact")).toEqual(['"Doe, John" <sip:j@h;x=a,b>;q=0.5', "<sip:k@h>", "sip:l@h"]);
    expect(getHeader(m, "contact")).toBe('"Doe, John" <sip:j@h;x=a,b>;q=0.5');
  });

  test("non-list headers are never split, even when their value holds commas", () => {
    const m = msg(
      'WWW-Authenticate: Digest realm="x", nonce="y", qop="auth,auth-int"',
      "Date: Sat, 13 Nov 2010 23:29:00 GMT",
      "X-Custom: a, b",
    );
    expect(getHeaders(m, "www-authenticate")).toEqual(['Digest realm="x", nonce="y", qop="auth,auth-int"']);
    expect(getHeaders(m, "date")).toEqual(["Sat, 13 Nov 2010 23:29:00 GMT"]);
    expect(getHeaders(m, "x-custom")).toEqual(["a, b"]);
  });

  test("edits return a copy and leave the original message untouched", () => {
    const m = msg("Via: SIP/2.0/UDP h;branch=z9hG4bK1", "Subject: one", "s: two");
    const set = setHeader(m, "subject", "three");
    expect(getHeaders(set, "subject")).toEqual(["three"]);
    expect(getHeaders(m, "subject")).toEqual(["one", "two"]);
    expect(getHeaders(removeHeader(m, "Subject"), "s")).toEqual([]);
    expect(getHeaders(setHeader(m, "X-New", "v"), "x-new")).toEqual(["v"]);
    const top = addHeader(m, "Via", "SIP/2.0/TCP proxy;branch=z9hG4bK0", true);
    expect(topVia(top)?.host).toBe("proxy");
    expect(topVia(m)?.host).toBe("h");
    expect(addHeader(m, "Route", "<sip:r>").headers.at(-1)).toEqual({ name: "Route", value: "<sip:r>" });
  });

  test("withTopVia replaces only the first value of a comma-separated Via line (RFC 3581 §4)", () => {
    const m = msg("v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP p;branch=z9hG4bKb");
    const via = topVia(m);
    if (!via) throw new Error("no Via");
    via.params.set("received", "192.0.2.7");
    via.params.set("rport", "40000");
    const out = withTopVia(m, via);
    expect(getHeaders(out, "via")).toEqual([
      "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;rport=40000;received=192.0.2.7",
      "SIP/2.0/UDP p;branch=z9hG4bKb",
    ]);
    expect(getHeaders(m, "via")[0]).toBe("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;rport");
  });
});

test("extension compact forms resolve too (RFC 4028 x, RFC 3515 r, RFC 4474 y)", () => {
  const m = msg("x: 1800;refresher=uac", "r: <sip:c@d>", "y: abc");
  expect(getHeader(m, "Session-Expires")).toBe("1800;refresher=uac");
  expect(getHeader(m, "refer-to")).toBe("<sip:c@d>");
  expect(getHeader(m, "Identity")).toBe("abc");
});
