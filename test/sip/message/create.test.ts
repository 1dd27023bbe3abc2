import { describe, expect, test } from "bun:test";
import { fromUtf8, utf8 } from "../../../src/lib/bytes.ts";
import {
  createRequest,
  createResponse,
  getHeader,
  getHeaders,
  getTag,
  parseMessage,
  reasonPhrase,
  type SipRequest,
  serializeMessage,
} from "../../../src/sip/message/index.ts";

function request(...extra: string[]): SipRequest {
  const r = parseMessage(
    [
      "INVITE sip:bob@biloxi.com SIP/2.0",
      "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1",
      "v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK2;received=192.0.2.1",
      "Max-Forwards: 69",
      "To: Bob <sip:bob@biloxi.com>",
      'From: "Alice" <sip:alice@atlanta.com>;tag=1928301774',
      "Call-ID: a84b4c76e66710@pc33.atlanta.com",
      "CSeq: 314159 INVITE",
      "Record-Route: <sip:proxy.example.com;lr>",
      "Timestamp: 54",
      "Contact: <sip:alice@pc33.atlanta.com>",
      ...extra,
      "",
      "",
    ].join("\r\n"),
  );
  if (!r.ok || r.value.kind !== "request") throw new Error("bad fixture");
  return r.value;
}

describe("createResponse (RFC 3261 §8.2.6)", () => {
  test("copies every Via in order, From, To, Call-ID and CSeq, and nothing else", () => {
    const res = createResponse(request(), 486);
    expect(res.reason).toBe("Busy Here");
    expect(res.headers.map((h) => h.name)).toEqual(["Via", "v", "To", "From", "Call-ID", "CSeq"]);
    expect(getHeaders(res, "via")[1]).toContain("received=192.0.2.1");
    expect(getHeader(res, "contact")).toBeUndefined();
  });

  test("adds the To tag when the request had none, and keeps an existing one", () => {
    expect(getTag(createResponse(request(), 200, undefined, { toTag: "x7" }), "to")).toBe("x7");
    const inDialog = request();
    inDialog.headers = inDialog.headers.map((h) =>
      h.name === "To" ? { ...h, value: `${h.value};tag=old` } : h,
    );
    expect(getTag(createResponse(inDialog, 200, undefined, { toTag: "new" }), "to")).toBe("old");
  });

  test("copies Timestamp only on 100 (§8.2.6.1) and Record-Route only on 101-299 (§12.1.1)", () => {
    expect(getHeader(createResponse(request(), 100), "timestamp")).toBe("54");
    expect(getHeader(createResponse(request(), 180), "timestamp")).toBeUndefined();
    expect(getHeader(createResponse(request(), 200), "record-route")).toBe("<sip:proxy.example.com;lr>");
    expect(getHeader(createResponse(request(), 100), "record-route")).toBeUndefined();
    expect(getHeader(createResponse(request(), 404), "record-route")).toBeUndefined();
  });

  test("carries extra headers, a body with its Content-Type, and a custom reason", () => {
    const body = utf8("v=0\r\nс=кириллица\r\n");
    const res = createResponse(request(), 200, "Fine", {
      headers: [{ name: "Contact", value: "<sip:gw@192.0.2.9>" }],
      body,
      contentType: "application/sdp",
    });
    expect(res.reason).toBe("Fine");
    expect(getHeader(res, "contact")).toBe("<sip:gw@192.0.2.9>");
    const wire = fromUtf8(serializeMessage(res));
    expect(wire).toContain("Content-Type: application/sdp\r\n");
    expect(wire).toContain(`Content-Length: ${body.length}\r\n`);
    expect(body.length).toBeGreaterThan("v=0\r\nс=кириллица\r\n".length);
  });
});

describe("createRequest (RFC 3261 §8.1.1)", () => {
  test("adds Max-Forwards: 70 when missing and keeps the caller's order", () => {
    const req = createRequest({
      method: "OPTIONS",
      uri: "sip:gw.example.com",
      headers: [
        { name: "Via", value: "SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKq;rport" },
        { name: "From", value: "<sip:xbridge@192.0.2.9>;tag=t1" },
        { name: "To", value: "<sip:gw.example.com>" },
        { name: "Call-ID", value: "c1" },
        { name: "CSeq", value: "1 OPTIONS" },
      ],
    });
    expect(getHeader(req, "max-forwards")).toBe("70");
    const again = parseMessage(serializeMessage(req));
    expect(again.ok && again.value.kind === "request" && again.value.method).toBe("OPTIONS");
  });

  test("keeps a caller-given Max-Forwards", () => {
    const req = createRequest({
      method: "BYE",
      uri: "sip:a@b",
      headers: [{ name: "Max-Forwards", value: "10" }],
    });
    expect(getHeaders(req, "max-forwards")).toEqual(["10"]);
  });
});

describe("reasonPhrase (RFC 3261 §21)", () => {
  test("knows the standard phrases and falls back to the class name", () => {
    expect(reasonPhrase(180)).toBe("Ringing");
    expect(reasonPhrase(481)).toBe("Call/Transaction Does Not Exist");
    expect(reasonPhrase(499)).toBe("Client Error");
    expect(reasonPhrase(299)).toBe("Success");
  });
});
