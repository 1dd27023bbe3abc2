import { describe, expect, test } from "bun:test";
import { type Cidr, cidrContains, isWildcard, parseCidr, parseIp, unmapIp } from "../../src/lib/ip.ts";

function cidr(s: string): Cidr {
  const c = parseCidr(s);
  if (typeof c === "string") throw new Error(c);
  return c;
}
function ip(s: string) {
  const a = parseIp(s);
  if (a === undefined) throw new Error(`bad ip ${s}`);
  return a;
}

describe("IP literals", () => {
  test("parses IPv4 and rejects out-of-range or padded octets", () => {
    expect(Array.from(ip("192.0.2.10").bytes)).toEqual([192, 0, 2, 10]);
    expect(parseIp("256.1.1.1")).toBeUndefined();
    expect(parseIp("1.2.3")).toBeUndefined();
    expect(parseIp("01.2.3.4")).toBeUndefined();
    expect(parseIp("example.com")).toBeUndefined();
  });

  test("parses IPv6 with :: compression, brackets and an embedded IPv4 tail", () => {
    expect(ip("::1").bytes[15]).toBe(1);
    expect(ip("[2001:db8::1]").family).toBe(6);
    expect(Array.from(ip("::ffff:192.0.2.1").bytes.slice(12))).toEqual([192, 0, 2, 1]);
    expect(parseIp("1::2::3")).toBeUndefined();
    expect(parseIp("12345::1")).toBeUndefined();
    expect(parseIp("1:2:3:4:5:6:7:8:9")).toBeUndefined();
  });

  test("treats IPv4-mapped IPv6 as the IPv4 address and knows wildcards", () => {
    expect(unmapIp(ip("::ffff:10.0.0.1"))).toEqual({ family: 4, bytes: new Uint8Array([10, 0, 0, 1]) });
    expect(isWildcard(ip("0.0.0.0"))).toBe(true);
    expect(isWildcard(ip("::"))).toBe(true);
    expect(isWildcard(ip("127.0.0.1"))).toBe(false);
  });
});

describe("CIDR blocks", () => {
  test("matches IPv4 prefixes including /0 and /32", () => {
    expect(cidrContains(cidr("54.172.60.0/30"), ip("54.172.60.3"))).toBe(true);
    expect(cidrContains(cidr("54.172.60.0/30"), ip("54.172.60.4"))).toBe(false);
    expect(cidrContains(cidr("0.0.0.0/0"), ip("203.0.113.9"))).toBe(true);
    expect(cidrContains(cidr("10.1.2.3/32"), ip("10.1.2.3"))).toBe(true);
    expect(cidrContains(cidr("10.1.2.3"), ip("10.1.2.4"))).toBe(false);
    expect(cidrContains(cidr("127.0.0.0/8"), ip("127.200.1.1"))).toBe(true);
  });

  test("matches IPv6 prefixes including /128 and odd bit boundaries", () => {
    expect(cidrContains(cidr("2001:db8::/32"), ip("2001:db8:ffff::1"))).toBe(true);
    expect(cidrContains(cidr("2001:db8::/32"), ip("2001:db9::1"))).toBe(false);
    expect(cidrContains(cidr("::1/128"), ip("::1"))).toBe(true);
    expect(cidrContains(cidr("2001:db8::/33"), ip("2001:db8:8000::1"))).toBe(false);
  });

  test("an IPv4 peer seen on a dual-stack socket still matches an IPv4 block", () => {
    expect(cidrContains(cidr("192.168.1.0/24"), ip("::ffff:192.168.1.20"))).toBe(true);
    expect(cidrContains(cidr("::ffff:192.168.1.0/120"), ip("192.168.1.20"))).toBe(true);
  });

  test("never matches across families", () => {
    expect(cidrContains(cidr("0.0.0.0/0"), ip("2001:db8::1"))).toBe(false);
    expect(cidrContains(cidr("::/0"), ip("10.0.0.1"))).toBe(false);
  });

  test("rejects prefixes out of range and non-addresses with the spec's message", () => {
    expect(parseCidr("54.172.60.0/33")).toBe('"54.172.60.0/33" is not an IP address or CIDR');
    expect(parseCidr("2001:db8::/129")).toBe('"2001:db8::/129" is not an IP address or CIDR');
    expect(typeof parseCidr("10.0.0.0/")).toBe("string");
    expect(typeof parseCidr("host.example/24")).toBe("string");
  });
});
