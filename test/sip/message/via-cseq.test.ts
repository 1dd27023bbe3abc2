import { describe, expect, test } from "bun:test";
import { parseCSeq, parseVia, serializeCSeq, serializeVia } from "../../../src/sip/message/index.ts";

describe("parseVia (RFC 3261 §20.42, RFC 3581)", () => {
  test("reads transport, sent-by, branch and an empty rport", () => {
    const r = parseVia("SIP/2.0/udp pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport");
    expect(r.ok && r.value).toEqual({
      protocol: "SIP/2.0",
      transport: "UDP",
      host: "pc33.atlanta.com",
      port: 5066,
      params: new Map([
        ["branch", "z9hG4bK776asdhds"],
        ["rport", null],
      ]),
    });
  });

  test("accepts LWS around the slashes, colon and semicolons (§25.1 SLASH, COLON, SEMI)", () => {
    const r = parseVia("SIP / 2.0 / TCP  host.example.com : 5060 ; branch = z9hG4bKx");
    expect(r.ok && [r.value.transport, r.value.host, r.value.port, r.value.params.get("branch")]).toEqual([
      "TCP",
      "host.example.com",
      5060,
      "z9hG4bKx",
    ]);
  });

  test("reads received and a filled-in rport from a response (RFC 3581 §4)", () => {
    const r = parseVia("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;received=192.0.2.4;rport=9988");
    expect(r.ok && r.value.params.get("received")).toBe("192.0.2.4");
    expect(r.ok && r.value.params.get("rport")).toBe("9988");
  });

  test("keeps IPv6 sent-by and received values bracketed (RFC 5118 §4.5)", () => {
    const r = parseVia("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;received=[2001:db8::9:255]");
    expect(r.ok && r.value.host).toBe("[2001:db8::9:1]");
    expect(r.ok && r.value.params.get("received")).toBe("[2001:db8::9:255]");
  });

  test.each([
    "SIP/2.0/UDP",
    "SIP/2.0 host",
    "SIP/2.0/UDP host;;",
    "SIP/2.0/UDP host;rport=abc",
    "SIP/2.0/UDP host:99999",
    "SIP/2.0/UDP bad_host",
  ])("rejects %s", (s) => {
    expect(parseVia(s).ok).toBe(false);
  });

  test("serializes in canonical spacing", () => {
    const r = parseVia("SIP / 2.0 / tcp h:5061 ; branch=z9hG4bK1 ; rport");
    expect(r.ok && serializeVia(r.value)).toBe("SIP/2.0/TCP h:5061;branch=z9hG4bK1;rport");
  });
});

describe("parseCSeq (RFC 3261 §20.16)", () => {
  test("reads number and method across folded LWS with leading zeros", () => {
    expect(parseCSeq("0009 \t INVITE")).toEqual({ ok: true, value: { seq: 9, method: "INVITE" } });
    expect(serializeCSeq({ seq: 4711, method: "BYE" })).toBe("4711 BYE");
  });

  test("accepts 2**32-1 and rejects anything larger (RFC 4475 §3.1.2.4)", () => {
    expect(parseCSeq("4294967295 ACK").ok).toBe(true);
    expect(parseCSeq("4294967296 ACK").ok).toBe(false);
  });

  test.each(["INVITE", "1", "-1 INVITE", "1 IN VITE", '1 IN"VITE'])("rejects %s", (s) => {
    expect(parseCSeq(s).ok).toBe(false);
  });
});
