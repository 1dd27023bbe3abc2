import { describe, expect, test } from "bun:test";
import { createResponse, parseMessage, type SipRequest, topVia } from "../../../src/sip/message/index.ts";
import { defaultPort, responseDestination, stampReceived } from "../../../src/sip/transport/via-routing.ts";

function request(via: string): SipRequest {
  const r = parseMessage(
    `OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\nVia: ${via}\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:gw@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
  );
  if (!r.ok || r.value.kind !== "request") throw new Error("bad fixture");
  return r.value;
}

describe("received / rport on incoming requests", () => {
  test("adds received when sent-by names another host (RFC 3261 §18.2.1)", () => {
    const v = topVia(
      stampReceived(request("SIP/2.0/UDP client.example.com:5070;branch=z9hG4bKa"), {
        address: "127.0.0.1",
        port: 40000,
      }),
    );
    expect(v?.params.get("received")).toBe("127.0.0.1");
    expect(v?.params.has("rport")).toBe(false);
  });

  test("leaves the Via alone when sent-by equals the source address and no rport was asked", () => {
    const req = request("SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa");
    expect(stampReceived(req, { address: "127.0.0.1", port: 5070 })).toBe(req);
  });

  test("fills an empty rport with the source port and always adds received (RFC 3581 §4)", () => {
    const v = topVia(
      stampReceived(request("SIP/2.0/UDP 127.0.0.1:5070;rport;branch=z9hG4bKa"), {
        address: "127.0.0.1",
        port: 40001,
      }),
    );
    expect(v?.params.get("rport")).toBe("40001");
    expect(v?.params.get("received")).toBe("127.0.0.1");
  });

  test("compares IPv6 sent-by without brackets", () => {
    const req = request("SIP/2.0/UDP [::1]:5070;branch=z9hG4bKa");
    expect(stampReceived(req, { address: "::1", port: 5070 })).toBe(req);
  });
});

describe("response routing (RFC 3261 §18.2.2)", () => {
  function route(via: string, source = { address: "127.0.0.1", port: 40002 }, connection?: number) {
    return responseDestination(createResponse(stampReceived(request(via), source), 200), connection);
  }

  test("UDP with rport goes to the source address and port", () => {
    expect(route("SIP/2.0/UDP host.invalid:5070;rport;branch=z9hG4bKa")).toEqual({
      remote: { address: "127.0.0.1", port: 40002 },
    });
  });

  test("UDP with received but no rport goes to received and the sent-by port", () => {
    expect(route("SIP/2.0/UDP host.invalid:5070;branch=z9hG4bKa")).toEqual({
      remote: { address: "127.0.0.1", port: 5070 },
    });
  });

  test("UDP without received goes to sent-by, default port 5060", () => {
    expect(route("SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa", { address: "127.0.0.1", port: 5060 })).toEqual({
      remote: { address: "127.0.0.1", port: 5060 },
    });
  });

  test("TCP goes back on the request's connection", () => {
    expect(
      route("SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bKa", { address: "127.0.0.1", port: 5070 }, 7),
    ).toEqual({
      remote: { address: "127.0.0.1", port: 5070 },
      connection: 7,
    });
  });

  test("IPv6 sent-by is returned without brackets", () => {
    expect(route("SIP/2.0/UDP [::1]:5070;branch=z9hG4bKa", { address: "::1", port: 5070 })).toEqual({
      remote: { address: "::1", port: 5070 },
    });
  });

  test("TLS defaults to port 5061", () => {
    expect(defaultPort("TLS")).toBe(5061);
    expect(defaultPort("UDP")).toBe(5060);
  });
});
