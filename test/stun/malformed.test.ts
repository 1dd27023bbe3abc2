import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decodeStunMessage, readBindingResponse } from "../../src/stun/index.ts";
import { SAMPLE_IPV4_RESPONSE, SAMPLE_TRANSACTION_ID } from "./rfc5769-vectors.ts";

function reason(data: Uint8Array): string {
  const r = decodeStunMessage(data);
  return r.ok ? "ok" : r.error.reason;
}

describe("malformed STUN input", () => {
  test("each structural defect gets its own reason", () => {
    expect(reason(new Uint8Array(19))).toBe("shorter than the 20-byte STUN header");
    const sip = new TextEncoder().encode("SIP/2.0 200 OK\r\nVia: x\r\n\r\n");
    expect(reason(sip)).toBe("top two bits of a STUN message must be zero");
    const oddLength = SAMPLE_IPV4_RESPONSE.slice();
    oddLength[3] = 0x3d;
    expect(reason(oddLength)).toBe("message length not a multiple of 4");
    expect(reason(SAMPLE_IPV4_RESPONSE.subarray(0, 76))).toBe("message length does not match the datagram");
    const noCookie = SAMPLE_IPV4_RESPONSE.slice();
    noCookie[4] = 0;
    expect(reason(noCookie)).toBe("no magic cookie (RFC 3489 message)");
    const longAttr = SAMPLE_IPV4_RESPONSE.slice();
    longAttr[23] = 0xff; // SOFTWARE length 255
    expect(reason(longAttr)).toBe("attribute value past the end");
    expect(reason(new Uint8Array(1501))).toBe("STUN message too large");
  });

  test("a bad address family in XOR-MAPPED-ADDRESS is an error, not a throw", () => {
    const bad = SAMPLE_IPV4_RESPONSE.slice();
    bad[41] = 0x07; // family byte of XOR-MAPPED-ADDRESS
    // The FINGERPRINT would catch the edit first, so drop it (length 0x3c → 0x34).
    const cut = bad.slice(0, 72);
    cut[3] = 0x34;
    const r = readBindingResponse(cut, SAMPLE_TRANSACTION_ID);
    expect(r.ok ? "ok" : r.error.reason).toBe("unknown address family 7");
  });

  test("random bytes and random mutations of a valid response never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        readBindingResponse(data, SAMPLE_TRANSACTION_ID);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(SAMPLE_IPV4_RESPONSE.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        }),
        fc.nat(SAMPLE_IPV4_RESPONSE.length),
        (edits, cut) => {
          const d = SAMPLE_IPV4_RESPONSE.slice(0, Math.max(cut, 20));
          for (const [i, v] of edits) if (i < d.length) d[i] = v;
          const r = readBindingResponse(d, SAMPLE_TRANSACTION_ID);
          expect(typeof r.ok).toBe("boolean");
        },
      ),
      { numRuns: 2000 },
    );
  });
});
