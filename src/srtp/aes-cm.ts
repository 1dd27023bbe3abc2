/**
 * AES Counter Mode keystream for SRTP/SRTCP and the key derivation function (RFC 3711
 * §4.1.1, §4.3.3). The AES key schedule is expanded once per context with @noble/ciphers'
 * `unsafe.expandKeyLE`; each 16-byte block is produced by `unsafe.encrypt` on four
 * little-endian words, so XOR-ing a packet allocates no buffers.
 *
 * Counter block (§4.1.1): IV (128 bits, its low 16 bits zero) with the block counter j in
 * the last two octets:  IV = (k_s·2^16) ⊕ (SSRC·2^64) ⊕ (i·2^16), block j = IV + j.
 */
import { unsafe } from "@noble/ciphers/aes.js";

export class AesCm {
  private readonly xk: Uint32Array;
  /** Scratch IV, 4-byte aligned so its words can be read directly. */
  private readonly iv = new Uint8Array(16);
  private readonly ivWords = new Uint32Array(this.iv.buffer);

  /** Expands the 128-bit session key once (RFC 3711 §4.1.1 uses AES-128 here). */
  constructor(key: Uint8Array) {
    this.xk = unsafe.expandKeyLE(key);
  }

  /** The IV buffer to fill before {@link xor}; its last two octets are ignored. */
  get ivBytes(): Uint8Array {
    return this.iv;
  }

  /**
   * XORs the keystream for the current IV into `data[offset, offset+length)` (encrypts or
   * decrypts: counter mode is its own inverse). At most 2^16 blocks, far above any packet.
   */
  xor(data: Uint8Array, offset: number, length: number): void {
    const w = this.ivWords;
    const s0 = w[0]!;
    const s1 = w[1]!;
    const s2 = w[2]!;
    // The counter lives in octets 14–15 (big-endian), i.e. the top half of word 3 read LE.
    const s3base = w[3]! & 0x0000ffff;
    let pos = offset;
    const end = offset + length;
    for (let j = 0; pos < end; j++) {
      const out = unsafe.encrypt(this.xk, s0, s1, s2, s3base | ((j & 0xff00) << 8) | ((j & 0xff) << 24));
      const n = Math.min(16, end - pos);
      for (let k = 0; k < n; k++) {
        const word = k < 4 ? out.s0 : k < 8 ? out.s1 : k < 12 ? out.s2 : out.s3;
        data[pos + k] = data[pos + k]! ^ ((word >>> ((k & 3) * 8)) & 0xff);
      }
      pos += n;
    }
  }

  /** Keystream bytes for an IV (key derivation, tests): `out` is zeroed then XOR-ed. */
  keystream(iv: Uint8Array, out: Uint8Array): Uint8Array {
    this.iv.set(iv.subarray(0, 16));
    out.fill(0);
    this.xor(out, 0, out.length);
    return out;
  }
}
