/**
 * SRTP and SRTCP protect/unprotect for one direction of one session (RFC 3711 §3–§4), suites
 * AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32 (RFC 4568 §6.2). Works in place on the
 * caller's packet buffer; session keys and the AES key schedule are derived once here.
 *
 * SRTP packet (§3.1):                      SRTCP packet (§3.4):
 *   RTP header | encrypted payload |         header+SSRC (8) | encrypted rest |
 *   [MKI] | auth tag                         E|SRTCP index (32) | [MKI] | auth tag
 *
 * Each remote SSRC has its own cryptographic state (§3.2.3: ROC, highest sequence, replay
 * list); at most MAX_STREAMS are tracked, the oldest being forgotten when a new one appears.
 */
import { createHmac } from "node:crypto";
import { readU32, rtpHeaderLength, writeU32 } from "../rtp/rtp-packet.ts";
import { AesCm } from "./aes-cm.ts";
import { deriveSessionKeys, MASTER_KEY_BYTES, MASTER_SALT_BYTES } from "./key-derivation.ts";
import { ReplayWindow } from "./replay-window.ts";
import { estimateIndex, type RocState } from "./roc.ts";

export type SrtpSuite = "AES_CM_128_HMAC_SHA1_80" | "AES_CM_128_HMAC_SHA1_32";

export interface SrtpKeyMaterial {
  suite: SrtpSuite;
  /** 16 octets. */
  masterKey: Uint8Array;
  /** 14 octets. */
  masterSalt: Uint8Array;
  /** Master Key Identifier carried in each packet (RFC 3711 §3.1), when the key has one. */
  mki?: Uint8Array;
}

/** Reasons a packet is refused. Constant strings: a refused packet allocates nothing extra. */
export type SrtpFailure =
  | "packet too short"
  | "no room for the auth tag"
  | "MKI does not match"
  | "replayed packet"
  | "authentication failed";

/** §3.2.3: the cryptographic context is per SSRC. */
const MAX_STREAMS = 8;
/** RFC 4568 §6.2: SRTCP keeps the 80-bit tag even for the _32 suite (RFC 3711 §5.2). */
const SRTCP_TAG_BYTES = 10;
const SRTCP_E_BIT = 0x80000000;

interface Stream extends RocState {
  replay: ReplayWindow;
}

export class SrtpContext {
  private readonly rtpCipher: AesCm;
  private readonly rtcpCipher: AesCm;
  private readonly rtpSalt: Uint8Array;
  private readonly rtcpSalt: Uint8Array;
  private readonly rtpAuthKey: Uint8Array;
  private readonly rtcpAuthKey: Uint8Array;
  private readonly rtpTagBytes: number;
  private readonly mki: Uint8Array;
  private readonly streams = new Map<number, Stream>();
  private readonly rtcpReplay = new Map<number, ReplayWindow>();
  private readonly rocBytes = new Uint8Array(4);
  /** Outbound SRTCP index (§3.4), incremented before use as libsrtp does, so the first is 1. */
  private srtcpIndex = 0;

  constructor(material: SrtpKeyMaterial) {
    if (material.masterKey.length !== MASTER_KEY_BYTES || material.masterSalt.length !== MASTER_SALT_BYTES) {
      throw new RangeError("SRTP master key must be 16 octets and master salt 14 octets");
    }
    const rtp = deriveSessionKeys(material.masterKey, material.masterSalt, false);
    const rtcp = deriveSessionKeys(material.masterKey, material.masterSalt, true);
    this.rtpCipher = new AesCm(rtp.encryptionKey);
    this.rtcpCipher = new AesCm(rtcp.encryptionKey);
    this.rtpSalt = rtp.salt;
    this.rtcpSalt = rtcp.salt;
    this.rtpAuthKey = rtp.authKey;
    this.rtcpAuthKey = rtcp.authKey;
    this.rtpTagBytes = material.suite === "AES_CM_128_HMAC_SHA1_32" ? 4 : 10;
    this.mki = material.mki ?? new Uint8Array(0);
  }

  /** Bytes protect adds to an RTP packet (MKI + tag): size send buffers with it. */
  get rtpOverhead(): number {
    return this.mki.length + this.rtpTagBytes;
  }

  /** Bytes protect adds to an RTCP packet (E|index + MKI + tag). */
  get rtcpOverhead(): number {
    return 4 + this.mki.length + SRTCP_TAG_BYTES;
  }

  /**
   * Encrypts `buf[0, length)` in place and appends MKI and tag; returns the new length.
   * `buf` must have {@link rtpOverhead} spare octets.
   */
  protectRtp(buf: Uint8Array, length: number): number | SrtpFailure {
    const headerLength = rtpHeaderLength(buf, length);
    if (headerLength < 0) return "packet too short";
    if (buf.length < length + this.rtpOverhead) return "no room for the auth tag";
    const ssrc = readU32(buf, 8);
    const seq = (buf[2]! << 8) | buf[3]!;
    const s = this.stream(ssrc, seq);
    // Appendix A: the sender's index comes from the same estimate; a wrap bumps the ROC.
    const v = estimateIndex(s, seq);
    this.updateRoc(s, seq, v);
    this.cipherRtp(buf, headerLength, length, ssrc, v, seq);
    this.writeRocAndTag(buf, length, v);
    return length + this.rtpOverhead;
  }

  /**
   * Verifies and decrypts `buf[0, length)` in place; returns the RTP packet's length (tag
   * and MKI stripped) or why it was refused (§3.3: replay check, then auth, then decrypt).
   */
  unprotectRtp(buf: Uint8Array, length: number): number | SrtpFailure {
    const authLength = length - this.rtpOverhead;
    const headerLength = rtpHeaderLength(buf, authLength);
    if (headerLength < 0) return "packet too short";
    if (!this.mkiMatches(buf, authLength)) return "MKI does not match";
    const ssrc = readU32(buf, 8);
    const seq = (buf[2]! << 8) | buf[3]!;
    const s = this.stream(ssrc, seq);
    const v = estimateIndex(s, seq);
    const index = v * 0x10000 + seq;
    if (!s.replay.check(index)) return "replayed packet";
    // §4.2: the tag covers the authenticated portion followed by the (estimated) ROC.
    writeU32(this.rocBytes, 0, v);
    const tag = createHmac("sha1", this.rtpAuthKey)
      .update(buf.subarray(0, authLength))
      .update(this.rocBytes)
      .digest();
    if (!equalRange(tag, buf, length - this.rtpTagBytes, this.rtpTagBytes)) return "authentication failed";
    s.replay.accept(index);
    this.updateRoc(s, seq, v);
    this.cipherRtp(buf, headerLength, authLength, ssrc, v, seq);
    return authLength;
  }

  /** Encrypts an RTCP compound in place (E bit set), appends index, MKI and tag. */
  protectRtcp(buf: Uint8Array, length: number): number | SrtpFailure {
    if (length < 8) return "packet too short";
    if (buf.length < length + this.rtcpOverhead) return "no room for the auth tag";
    this.srtcpIndex = (this.srtcpIndex + 1) & 0x7fffffff;
    const index = this.srtcpIndex;
    this.cipherRtcp(buf, length, readU32(buf, 4), index);
    writeU32(buf, length, (SRTCP_E_BIT | index) >>> 0);
    buf.set(this.mki, length + 4);
    const tag = createHmac("sha1", this.rtcpAuthKey)
      .update(buf.subarray(0, length + 4))
      .digest();
    for (let i = 0; i < SRTCP_TAG_BYTES; i++) buf[length + 4 + this.mki.length + i] = tag[i]!;
    return length + this.rtcpOverhead;
  }

  /** Verifies and (when the E bit says so) decrypts an SRTCP packet; returns the RTCP length. */
  unprotectRtcp(buf: Uint8Array, length: number): number | SrtpFailure {
    const rtcpLength = length - this.rtcpOverhead;
    if (rtcpLength < 8) return "packet too short";
    const authLength = rtcpLength + 4;
    if (!this.mkiMatches(buf, authLength)) return "MKI does not match";
    const word = readU32(buf, rtcpLength);
    const encrypted = (word & SRTCP_E_BIT) !== 0;
    const index = word & 0x7fffffff;
    const ssrc = readU32(buf, 4);
    let replay = this.rtcpReplay.get(ssrc);
    if (replay === undefined) {
      if (this.rtcpReplay.size >= MAX_STREAMS) this.rtcpReplay.delete(this.rtcpReplay.keys().next().value!);
      replay = new ReplayWindow();
      this.rtcpReplay.set(ssrc, replay);
    }
    if (!replay.check(index)) return "replayed packet";
    const tag = createHmac("sha1", this.rtcpAuthKey).update(buf.subarray(0, authLength)).digest();
    if (!equalRange(tag, buf, length - SRTCP_TAG_BYTES, SRTCP_TAG_BYTES)) return "authentication failed";
    replay.accept(index);
    if (encrypted) this.cipherRtcp(buf, rtcpLength, ssrc, index);
    return rtcpLength;
  }

  private stream(ssrc: number, seq: number): Stream {
    let s = this.streams.get(ssrc);
    if (s === undefined) {
      if (this.streams.size >= MAX_STREAMS) this.streams.delete(this.streams.keys().next().value!);
      // Appendix A: the first packet seeds s_l; the ROC starts at 0 (§3.3.1).
      s = { roc: 0, highestSeq: seq, replay: new ReplayWindow() };
      this.streams.set(ssrc, s);
    }
    return s;
  }

  /** §3.3.1: after a verified packet, move ROC and s_l forward (never backward). */
  private updateRoc(s: Stream, seq: number, v: number): void {
    if (v === s.roc + 1 || (v === s.roc && seq > s.highestSeq)) {
      s.roc = v >>> 0;
      s.highestSeq = seq;
    }
  }

  /** §4.1.1 IV = (k_s·2^16) ⊕ (SSRC·2^64) ⊕ (i·2^16), i = 2^16·ROC + SEQ (48 bits). */
  private cipherRtp(buf: Uint8Array, from: number, to: number, ssrc: number, roc: number, seq: number): void {
    const iv = this.rtpCipher.ivBytes;
    iv.set(this.rtpSalt);
    iv[14] = 0;
    iv[15] = 0;
    xorU32(iv, 4, ssrc);
    xorU32(iv, 8, roc);
    iv[12] = iv[12]! ^ (seq >> 8);
    iv[13] = iv[13]! ^ (seq & 0xff);
    this.rtpCipher.xor(buf, from, to - from);
  }

  /** §3.4: SRTCP encrypts after the first 8 octets; the 31-bit index takes the place of i. */
  private cipherRtcp(buf: Uint8Array, to: number, ssrc: number, index: number): void {
    const iv = this.rtcpCipher.ivBytes;
    iv.set(this.rtcpSalt);
    iv[14] = 0;
    iv[15] = 0;
    xorU32(iv, 4, ssrc);
    xorU32(iv, 10, index);
    this.rtcpCipher.xor(buf, 8, to - 8);
  }

  private writeRocAndTag(buf: Uint8Array, length: number, roc: number): void {
    writeU32(this.rocBytes, 0, roc);
    const tag = createHmac("sha1", this.rtpAuthKey)
      .update(buf.subarray(0, length))
      .update(this.rocBytes)
      .digest();
    buf.set(this.mki, length);
    const at = length + this.mki.length;
    for (let i = 0; i < this.rtpTagBytes; i++) buf[at + i] = tag[i]!;
  }

  private mkiMatches(buf: Uint8Array, at: number): boolean {
    for (let i = 0; i < this.mki.length; i++) if (buf[at + i] !== this.mki[i]) return false;
    return true;
  }
}

function xorU32(b: Uint8Array, off: number, v: number): void {
  b[off] = b[off]! ^ ((v >>> 24) & 0xff);
  b[off + 1] = b[off + 1]! ^ ((v >>> 16) & 0xff);
  b[off + 2] = b[off + 2]! ^ ((v >>> 8) & 0xff);
  b[off + 3] = b[off + 3]! ^ (v & 0xff);
}

/** Constant-time comparison of the first `n` tag octets with `buf[at, at+n)` (§3.3 step 4). */
function equalRange(tag: Uint8Array, buf: Uint8Array, at: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= tag[i]! ^ buf[at + i]!;
  return diff === 0;
}
