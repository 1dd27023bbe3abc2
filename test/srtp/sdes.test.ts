import { describe, expect, test } from "bun:test";
import { toHex } from "../../src/lib/bytes.ts";
import { generateKeyMaterial, parseCryptoAttribute, serializeCryptoAttribute } from "../../src/srtp/sdes.ts";
import { seededRandom } from "../support/seeded-random.ts";

// RFC 4568 §9.1 example key.
const RFC_KEY = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

describe("SDES a=crypto (RFC 4568)", () => {
  test("parses the RFC 4568 example with lifetime and MKI", () => {
    const r = parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^20|1:4`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.tag).toBe(1);
    expect(r.value.lifetime).toBe(2 ** 20);
    expect(toHex(r.value.key!.mki!)).toBe("00000001");
    expect(r.value.key!.masterKey.length).toBe(16);
    expect(r.value.key!.masterSalt.length).toBe(14);
    expect(toHex(r.value.key!.masterKey)).toBe("3d2d6e40255e7821426a75667239293f");
  });

  test("parses the _32 suite and ignores optional '-' session parameters", () => {
    const r = parseCryptoAttribute(`2 AES_CM_128_HMAC_SHA1_32 inline:${RFC_KEY} -X_VENDOR=1`);
    expect(r.ok && r.value.key?.suite).toBe("AES_CM_128_HMAC_SHA1_32");
    expect(r.ok && r.value.sessionParams).toEqual(["-X_VENDOR=1"]);
  });

  test("offers no key when a session parameter we do not implement is present (KDR, UNENCRYPTED_SRTCP)", () => {
    for (const p of ["KDR=23", "UNENCRYPTED_SRTCP"]) {
      const r = parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY} ${p}`);
      expect(r.ok).toBe(true);
      expect(r.ok && r.value.key).toBeUndefined();
      expect(r.ok && r.value.sessionParams).toEqual([p]);
    }
  });

  test("an unsupported suite parses without a key so the caller can answer 488", () => {
    const r = parseCryptoAttribute("1 AEAD_AES_256_GCM inline:abcd");
    expect(r.ok && r.value.suite).toBe("AEAD_AES_256_GCM");
    expect(r.ok && r.value.key).toBeUndefined();
  });

  test("rejects wrong key lengths, bad base64, bad lifetimes and bad MKIs", () => {
    for (const v of [
      "1 AES_CM_128_HMAC_SHA1_80 inline:AAAA",
      "1 AES_CM_128_HMAC_SHA1_80 inline:!!!!",
      `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^49`,
      `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|1:0`,
      `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|300:1`,
      `1 AES_CM_128_HMAC_SHA1_80 uri:${RFC_KEY}`,
      "x AES_CM_128_HMAC_SHA1_80 inline:",
      "1 AES_CM_128_HMAC_SHA1_80",
    ]) {
      expect(parseCryptoAttribute(v).ok).toBe(false);
    }
  });

  test("generated keys come from the injected Random and round-trip through the attribute", () => {
    const a = generateKeyMaterial(seededRandom(1), "AES_CM_128_HMAC_SHA1_80");
    const b = generateKeyMaterial(seededRandom(2), "AES_CM_128_HMAC_SHA1_80");
    expect(toHex(a.masterKey)).not.toBe(toHex(b.masterKey));
    const line = serializeCryptoAttribute(1, a);
    expect(line).toMatch(/^1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
    const r = parseCryptoAttribute(line);
    expect(r.ok && toHex(r.value.key!.masterKey)).toBe(toHex(a.masterKey));
    expect(r.ok && toHex(r.value.key!.masterSalt)).toBe(toHex(a.masterSalt));
  });
});
