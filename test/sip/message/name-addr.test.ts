import { describe, expect, test } from "bun:test";
import { checkNameAddr, parseNameAddr, serializeNameAddr } from "../../../src/sip/message/index.ts";

function na(s: string) {
  const r = parseNameAddr(s);
  if (!r.ok) throw new Error(`${s}: ${r.error.reason}`);
  return r.value;
}

describe("parseNameAddr (RFC 3261 §20.10, §25.1)", () => {
  test("reads a quoted display name with quoted-pairs, the URI and header parameters", () => {
    const n = na('"Bob \\"the\\" Builder" <sip:bob@biloxi.com;transport=tcp>;tag=a6c85cf;expires=60');
    expect(n.displayName).toBe('Bob "the" Builder');
    expect(n.uri.params.get("transport")).toBe("tcp");
    expect(n.params.get("tag")).toBe("a6c85cf");
    expect(n.params.get("expires")).toBe("60");
  });

  test("reads token display names with collapsed LWS", () => {
    expect(na("Alice   Liddell <sip:alice@example.com>").displayName).toBe("Alice Liddell");
  });

  test("in addr-spec form every ;parameter belongs to the header, not the URI (§20.10)", () => {
    const n = na("sip:alice@atlanta.com;tag=1928301774;user=phone");
    expect(n.uri.params.size).toBe(0);
    expect(n.params.get("tag")).toBe("1928301774");
    expect(n.params.get("user")).toBe("phone");
  });

  test("keeps quoted parameter values with their quotes", () => {
    const n = na('<sip:a@b>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"');
    expect(n.params.get("+sip.instance")).toBe('"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"');
  });

  test("serializes in bracketed form with a quoted display name", () => {
    expect(serializeNameAddr(na("sip:alice@atlanta.com;tag=1"))).toBe("<sip:alice@atlanta.com>;tag=1");
    expect(serializeNameAddr(na("caller <sip:c@h>"))).toBe('"caller" <sip:c@h>');
    expect(serializeNameAddr(na('"a\\\\b" <sip:c@h>'))).toBe('"a\\\\b" <sip:c@h>');
  });

  test.each([
    ['"unterminated <sip:a@b>', "unterminated"],
    ["<sip:a@b", "missing"],
    ["< sip:a@b>", "whitespace"],
    ["Bell, Alexander <sip:a@b>", "display-name"],
    ["sip:a@b?subject=x", "enclosed"],
    ["<sip:a@b>;;", "parameter"],
    ["<sip:a@b>;tag=", "parameter"],
    ["<sip:a@b> junk", '";"'],
    ["<http://example.com>", "scheme"],
  ])("rejects %s", (s, why) => {
    const r = parseNameAddr(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toContain(why);
  });

  test("checkNameAddr accepts URIs of schemes it does not interpret (RFC 4475 §3.3.4)", () => {
    expect(checkNameAddr("isbn:2983792873")).toBeUndefined();
    expect(checkNameAddr("<http://www.example.com>;tag=3234233")).toBeUndefined();
    expect(checkNameAddr("<name:John_Smith>")).toBeUndefined();
    expect(checkNameAddr("<sip:bad host>")).toContain("whitespace");
  });
});
