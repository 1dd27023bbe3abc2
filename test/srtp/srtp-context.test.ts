import { describe, expect, test } from "bun:test";
import { fromHex, toHex } from "../../src/lib/bytes.ts";
import { createRtpView, decodeRtp, writeRtpHeader } from "../../src/rtp/rtp-packet.ts";
import { SrtpContext, type SrtpKeyMaterial, type SrtpSuite } from "../../src/srtp/srtp-context.ts";
import vectors from "../vectors/srtp/rfc3711.json";

const hex = (s: string): Uint8Array => fromHex(s)!;

function material(suite: SrtpSuite = "AES_CM_128_HMAC_SHA1_80"): SrtpKeyMaterial {
  return {
    suite,
    masterKey: hex(vectors.keyDerivation.masterKey),
    masterSalt: hex(vectors.keyDerivation.masterSalt),
  };
}

function rtp(seq: number, fill: number, ssrc = 0x11223344): Uint8Array {
  const buf = new Uint8Array(12 + 160 + 10);
  writeRtpHeader(buf, 0, false, seq, seq * 160, ssrc);
  buf.fill(fill, 12, 172);
  return buf;
}

describe("SRTP protect/unprotect (RFC 3711 §3.3)", () => {
  test("matches the libsrtp reference ciphertext for AES_CM_128_HMAC_SHA1_80", () => {
    const buf = new Uint8Array(64);
    buf.set(hex(vectors.srtp.plaintext));
    const n = new SrtpContext(material()).protectRtp(buf, 28);
    expect(n).toBe(38);
    expect(toHex(buf.subarray(0, 38))).toBe(vectors.srtp.ciphertext80);
  });

  test("matches the reference for AES_CM_128_HMAC_SHA1_32 (4-octet tag)", () => {
    const buf = new Uint8Array(64);
    buf.set(hex(vectors.srtp.plaintext));
    expect(new SrtpContext(material("AES_CM_128_HMAC_SHA1_32")).protectRtp(buf, 28)).toBe(32);
    expect(toHex(buf.subarray(0, 32))).toBe(vectors.srtp.ciphertext32);
  });

  test("unprotects the reference ciphertext back to the plaintext", () => {
    const buf = hex(vectors.srtp.ciphertext80);
    expect(new SrtpContext(material()).unprotectRtp(buf, buf.length)).toBe(28);
    expect(toHex(buf.subarray(0, 28))).toBe(vectors.srtp.plaintext);
  });

  test("round-trips through loss, reorder and the sequence wrap at 65535 (ROC rollover)", () => {
    const tx = new SrtpContext(material());
    const rx = new SrtpContext(material());
    const view = createRtpView();
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const seq = (65400 + i) & 0xffff;
      const p = rtp(seq, i & 0xff);
      const n = tx.protectRtp(p, 172);
      expect(n).toBe(182);
      sent.push(p);
    }
    // Drop every 7th, swap neighbours every 5th pair.
    const order: number[] = [];
    for (let i = 0; i < 200; i++) if (i % 7 !== 3) order.push(i);
    for (let k = 0; k + 1 < order.length; k += 5) [order[k], order[k + 1]] = [order[k + 1]!, order[k]!];
    for (const i of order) {
      const p = sent[i]!;
      const n = rx.unprotectRtp(p, 182);
      expect(n).toBe(172);
      expect(decodeRtp(p, 172, view)).toBeUndefined();
      expect(view.sequenceNumber).toBe((65400 + i) & 0xffff);
      expect(p.subarray(12, 172).every((b) => b === (i & 0xff))).toBe(true);
    }
  });

  test("rejects a replayed packet", () => {
    const tx = new SrtpContext(material());
    const rx = new SrtpContext(material());
    const p = rtp(5, 1);
    tx.protectRtp(p, 172);
    const copy = p.slice();
    expect(rx.unprotectRtp(p, 182)).toBe(172);
    expect(rx.unprotectRtp(copy, 182)).toBe("replayed packet");
  });

  test("rejects a tampered payload, header or tag and leaves the window unchanged", () => {
    const tx = new SrtpContext(material());
    const rx = new SrtpContext(material());
    const p = rtp(9, 2);
    tx.protectRtp(p, 172);
    for (const at of [3, 50, 181]) {
      const bad = p.slice();
      bad[at] = bad[at]! ^ 1;
      expect(rx.unprotectRtp(bad, 182)).toBe("authentication failed");
    }
    expect(rx.unprotectRtp(p, 182)).toBe(172);
  });

  test("a receiver with a different key rejects everything", () => {
    const tx = new SrtpContext(material());
    const other = material();
    other.masterKey = other.masterKey.slice();
    other.masterKey[0] = other.masterKey[0]! ^ 0xff;
    const rx = new SrtpContext(other);
    const p = rtp(1, 3);
    tx.protectRtp(p, 172);
    expect(rx.unprotectRtp(p, 182)).toBe("authentication failed");
  });

  test("carries an MKI between payload and tag and refuses a packet with another MKI", () => {
    const m = { ...material(), mki: new Uint8Array([0, 1]) };
    const tx = new SrtpContext(m);
    const p = new Uint8Array(200);
    p.set(rtp(1, 4).subarray(0, 172));
    expect(tx.protectRtp(p, 172)).toBe(184);
    expect(Array.from(p.subarray(172, 174))).toEqual([0, 1]);
    const q = p.slice();
    expect(new SrtpContext(m).unprotectRtp(p, 184)).toBe(172);
    q[173] = 2;
    expect(new SrtpContext(m).unprotectRtp(q, 184)).toBe("MKI does not match");
  });

  test("refuses to protect into a buffer without room for the tag", () => {
    const p = rtp(1, 0).slice(0, 175);
    expect(new SrtpContext(material()).protectRtp(p, 172)).toBe("no room for the auth tag");
  });
});

describe("SRTCP (RFC 3711 §3.4)", () => {
  test("matches the libsrtp reference: E bit set, index 1, 80-bit tag", () => {
    const buf = new Uint8Array(64);
    buf.set(hex(vectors.srtcp.plaintext));
    expect(new SrtpContext(material()).protectRtcp(buf, 24)).toBe(38);
    expect(toHex(buf.subarray(0, 38))).toBe(vectors.srtcp.ciphertext);
  });

  test("round-trips, increments the index and rejects a replay", () => {
    const tx = new SrtpContext(material("AES_CM_128_HMAC_SHA1_32"));
    const rx = new SrtpContext(material("AES_CM_128_HMAC_SHA1_32"));
    const plain = hex(vectors.srtcp.plaintext);
    const packets = [0, 1, 2].map(() => {
      const b = new Uint8Array(64);
      b.set(plain);
      expect(tx.protectRtcp(b, 24)).toBe(38);
      return b;
    });
    expect(toHex(packets[2]!.subarray(24, 28))).toBe("80000003");
    const replay = packets[1]!.slice();
    for (const p of [packets[1]!, packets[0]!, packets[2]!]) {
      expect(rx.unprotectRtcp(p, 38)).toBe(24);
      expect(toHex(p.subarray(0, 24))).toBe(vectors.srtcp.plaintext);
    }
    expect(rx.unprotectRtcp(replay, 38)).toBe("replayed packet");
  });

  test("rejects a tampered SRTCP packet", () => {
    const b = new Uint8Array(64);
    b.set(hex(vectors.srtcp.ciphertext));
    b[10] = b[10]! ^ 0x80;
    expect(new SrtpContext(material()).unprotectRtcp(b, 38)).toBe("authentication failed");
  });
});
