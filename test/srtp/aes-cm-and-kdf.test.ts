import { describe, expect, test } from "bun:test";
import { fromHex, toHex } from "../../src/lib/bytes.ts";
import { AesCm } from "../../src/srtp/aes-cm.ts";
import { deriveSessionKeys } from "../../src/srtp/key-derivation.ts";
import vectors from "../vectors/srtp/rfc3711.json";

const hex = (s: string): Uint8Array => fromHex(s)!;

describe("AES-CM keystream (RFC 3711 Appendix B.2)", () => {
  test("produces the first three keystream blocks for IV = salt·2^16", () => {
    const aes = new AesCm(hex(vectors.aesCm.sessionKey));
    const iv = new Uint8Array(16);
    iv.set(hex(vectors.aesCm.sessionSalt));
    expect(toHex(aes.keystream(iv, new Uint8Array(48)))).toBe(vectors.aesCm.keystreamBlocks0to2);
  });

  test("carries the block counter in the last two octets up to 0xff01", () => {
    const aes = new AesCm(hex(vectors.aesCm.sessionKey));
    const iv = new Uint8Array(16);
    iv.set(hex(vectors.aesCm.sessionSalt));
    const all = aes.keystream(iv, new Uint8Array(16 * 0xff02));
    expect(toHex(all.subarray(16 * 0xfeff))).toBe(vectors.aesCm.keystreamBlocksFeffToFf01);
  });

  test("xor over a sub-range leaves the rest of the buffer untouched and is its own inverse", () => {
    const aes = new AesCm(hex(vectors.aesCm.sessionKey));
    const data = new Uint8Array(40).fill(7);
    aes.ivBytes.fill(0);
    aes.xor(data, 5, 30);
    expect(Array.from(data.subarray(0, 5))).toEqual([7, 7, 7, 7, 7]);
    expect(Array.from(data.subarray(35))).toEqual([7, 7, 7, 7, 7]);
    expect(data.subarray(5, 35).every((b) => b === 7)).toBe(false);
    aes.xor(data, 5, 30);
    expect(data.every((b) => b === 7)).toBe(true);
  });
});

describe("key derivation (RFC 3711 Appendix B.3)", () => {
  test("derives the SRTP cipher key, salt and the first 160 bits of the auth key", () => {
    const k = deriveSessionKeys(
      hex(vectors.keyDerivation.masterKey),
      hex(vectors.keyDerivation.masterSalt),
      false,
    );
    expect(toHex(k.encryptionKey)).toBe(vectors.keyDerivation.cipherKey);
    expect(toHex(k.salt)).toBe(vectors.keyDerivation.cipherSalt);
    expect(toHex(k.authKey)).toBe(vectors.keyDerivation.authKey);
  });

  test("SRTCP keys use labels 3–5 and differ from the SRTP ones", () => {
    const mk = hex(vectors.keyDerivation.masterKey);
    const ms = hex(vectors.keyDerivation.masterSalt);
    const rtcp = deriveSessionKeys(mk, ms, true);
    expect(toHex(rtcp.encryptionKey)).not.toBe(vectors.keyDerivation.cipherKey);
    expect(rtcp.salt.length).toBe(14);
    expect(rtcp.authKey.length).toBe(20);
  });
});
