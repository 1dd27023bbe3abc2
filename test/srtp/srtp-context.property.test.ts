import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseCryptoAttribute } from "../../src/srtp/sdes.ts";
import { SrtpContext } from "../../src/srtp/srtp-context.ts";

const key = {
  suite: "AES_CM_128_HMAC_SHA1_80" as const,
  masterKey: new Uint8Array(16).fill(1),
  masterSalt: new Uint8Array(14).fill(2),
};

describe("SRTP robustness properties", () => {
  test("unprotect refuses arbitrary bytes with a reason and never throws", () => {
    const ctx = new SrtpContext(key);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const a = ctx.unprotectRtp(bytes.slice(), bytes.length);
        const b = ctx.unprotectRtcp(bytes.slice(), bytes.length);
        // A random 80-bit tag verifying is a 2^-80 event: anything else is a bug.
        expect(typeof a).toBe("string");
        expect(typeof b).toBe("string");
      }),
      { numRuns: 2000 },
    );
  });

  test("a=crypto parsing never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        parseCryptoAttribute(s);
        parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${s}`);
      }),
      { numRuns: 2000 },
    );
  });
});
