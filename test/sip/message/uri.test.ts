import { describe, expect, test } from "bun:test";
import { parseHostPort, parseUri, serializeUri } from "../../../src/sip/message/index.ts";

function uri(s: string) {
  const r = parseUri(s);
  if (!r.ok) throw new Error(`${s}: ${r.error.reason}`);
  return r.value;
}

describe("parseUri (RFC 3261 §19.1)", () => {
  test("reads user, password, host, port, parameters and headers", () => {
    const u = uri(
      "sips:alice:secret@Example.COM:5061;transport=TCP;lr;maddr=239.255.255.1?subject=hi%20there&priority=urgent",
    );
    expect(u.scheme).toBe("sips");
    expect(u.user).toBe("alice");
    expect(u.password).toBe("secret");
    expect(u.host).toBe("Example.COM");
    expect(u.port).toBe(5061);
    expect([...u.params]).toEqual([
      ["transport", "TCP"],
      ["lr", null],
      ["maddr", "239.255.255.1"],
    ]);
    expect(u.headers.get("subject")).toBe("hi there");
    expect(u.headers.get("priority")).toBe("urgent");
  });

  test("lowercases the scheme and parameter names, keeps values as written", () => {
    const u = uri("SIP:bob@h;Transport=UDP");
    expect(u.scheme).toBe("sip");
    expect(u.params.get("transport")).toBe("UDP");
  });

  test("resolves escapes so escaped and plain forms compare equal (§19.1.4)", () => {
    expect(uri("sip:%61lice@atlanta.com")).toEqual(uri("sip:alice@atlanta.com"));
    expect(serializeUri(uri("sip:%61lice@atlanta.com"))).toBe("sip:alice@atlanta.com");
  });

  test("re-escapes characters the user part may not hold raw", () => {
    expect(serializeUri(uri("sip:I%20have%20spaces@example.net"))).toBe("sip:I%20have%20spaces@example.net");
    expect(serializeUri(uri("sip:sips%3Auser%40example.com@example.net"))).toBe(
      "sip:sips%3Auser%40example.com@example.net",
    );
  });

  test("decodes multi-byte UTF-8 escapes", () => {
    expect(uri("sip:%C3%A9t%C3%A9@h").user).toBe("été");
  });

  test("reads tel: URIs (RFC 3966) with parameters", () => {
    const u = uri("tel:+1-201-555-0123;phone-context=example.com");
    expect(u).toMatchObject({ scheme: "tel", user: "+1-201-555-0123", host: "" });
    expect(u.params.get("phone-context")).toBe("example.com");
    expect(serializeUri(u)).toBe("tel:+1-201-555-0123;phone-context=example.com");
  });

  test.each([
    ["http://example.com", "scheme"],
    ["sip:", "host"],
    ["sip:user@", "host"],
    ["sip:user@host:70000", "port"],
    ["sip:user@host:5x", "port"],
    ["sip:%4@host", "userinfo"],
    ["sip:user@host;=x", "parameter"],
    ["sip:user@host;lr=", "parameter"],
    ["sip:user@host?noequals", "header"],
    ["sip:us er@host", "whitespace"],
    ["sip:user@-bad-.com", "host"],
  ])("rejects %s (%s)", (s, why) => {
    const r = parseUri(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason.toLowerCase()).toContain(why === "whitespace" ? "whitespace" : why);
  });
});

describe("IPv6 references (RFC 5118)", () => {
  test("§4.1 a bracketed host with and without a port", () => {
    expect(uri("sip:[2001:db8::10]:5070")).toMatchObject({ host: "[2001:db8::10]", port: 5070 });
    expect(uri("sip:user@[2001:db8::9:1]")).toMatchObject({ user: "user", host: "[2001:db8::9:1]" });
  });

  test("§4.2 the last group inside the brackets is an address group, not a port", () => {
    const u = uri("sip:[2001:db8::10:5070]");
    expect(u.host).toBe("[2001:db8::10:5070]");
    expect(u.port).toBeUndefined();
  });

  test("§4.3 IPv4-mapped addresses", () => {
    expect(uri("sip:[::ffff:192.0.2.10]:19823").host).toBe("[::ffff:192.0.2.10]");
  });

  test("rejects an unbracketed IPv6 host and an unterminated reference", () => {
    expect(parseUri("sip:user@2001:db8::10").ok).toBe(false);
    expect(parseUri("sip:user@[2001:db8::10").ok).toBe(false);
    expect(parseHostPort("[2001:db8::1]x").ok).toBe(false);
  });

  test("maddr parameter holding an IPv6 reference round-trips", () => {
    const s = "sip:user@example.com;maddr=[2001:db8::1]";
    expect(serializeUri(uri(s))).toBe(s);
  });
});
