/**
 * The pure trunk rules of the call layer (spec/sip.md §2; rest-api.md §3): default trunk,
 * inbound matching by Request-URI user and registrar address, outbound URIs and domain.
 */
import { describe, expect, test } from "bun:test";
import { defaultTrunk, matchTrunkInvite, trunkDialUris, trunkDomain } from "../../src/call/trunk-port.ts";
import { trunkLine } from "./trunk-fakes.ts";

describe("defaultTrunk (rest-api.md §3)", () => {
  test("picks `default` wherever it is, else the first, else none", () => {
    expect(defaultTrunk(["a", "default", "b"])).toBe("default");
    expect(defaultTrunk(["a", "b"])).toBe("a");
    expect(defaultTrunk([])).toBeUndefined();
  });
});

describe("matchTrunkInvite (sip.md §2 incoming)", () => {
  const v6 = trunkLine("v6", {
    username: "2000",
    registrar: { protocol: "TCP", address: "2001:db8::1", port: 5060 },
  });
  const lines = [trunkLine("a"), trunkLine("b", { username: "2000" }), v6];

  test("matches user and registrar IP, ignoring the source port", () => {
    const m = matchTrunkInvite(lines, "gateway", { address: "198.18.0.1", port: 40000 });
    expect(m.kind === "trunk" && m.line.name).toBe("a");
  });

  test("tells two trunks with the same username apart by registrar, in any IPv6 spelling", () => {
    const m = matchTrunkInvite(lines, "2000", { address: "2001:db8:0:0:0:0:0:1", port: 5060 });
    expect(m.kind === "trunk" && m.line.name).toBe("v6");
  });

  test("refuses an unknown user with 404 and a known user from elsewhere with 403", () => {
    expect(matchTrunkInvite(lines, "nobody", { address: "198.18.0.1", port: 5060 })).toEqual({
      kind: "refuse",
      status: 404,
    });
    expect(matchTrunkInvite(lines, "gateway", { address: "198.18.0.2", port: 5060 })).toEqual({
      kind: "refuse",
      status: 403,
    });
  });

  test("never matches a trunk whose registrar is not resolved yet", () => {
    const m = matchTrunkInvite([trunkLine("a", { registrar: undefined })], "gateway", {
      address: "198.18.0.1",
      port: 5060,
    });
    expect(m).toEqual({ kind: "refuse", status: 403 });
  });
});

describe("trunkDialUris / trunkDomain (sip.md §2 outbound)", () => {
  test("a number becomes sip:<to>@<domain>; from is the From user and the asserted identity", () => {
    expect(trunkDialUris("pbx.example:5070", "1001", "+15550001")).toEqual({
      requestUri: "sip:1001@pbx.example:5070",
      toUri: "sip:1001@pbx.example:5070",
      fromUri: "sip:+15550001@pbx.example:5070",
      assertedIdentity: "<sip:+15550001@pbx.example:5070>",
    });
  });

  test("the domain carries the port only when it is not the transport's default, IPv6 in brackets", () => {
    expect(trunkDomain("sip.example.net", 5060, "udp")).toBe("sip.example.net");
    expect(trunkDomain("sip.example.net", 5061, "tls")).toBe("sip.example.net");
    expect(trunkDomain("sip.example.net", 5061, "tcp")).toBe("sip.example.net:5061");
    expect(trunkDomain("2001:db8::1", 5080, "udp")).toBe("[2001:db8::1]:5080");
  });
});
