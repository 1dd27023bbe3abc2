/**
 * RTCP compound packets (RFC 3550 §6.1, §6.4–§6.6): SR, RR, SDES and BYE encode/decode. Sent
 * every 5 s per call (spec/sip.md §10), so these allocate freely; decoding returns a Result.
 *
 * Common header (§6.4.1):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  RC/SC  |      PT       |   length (32-bit words − 1)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { concatBytes, fromUtf8, utf8 } from "../lib/bytes.ts";
import { ok, type ParseError, parseError, type Result } from "../lib/result.ts";
import { readU32, writeU32 } from "./rtp-packet.ts";

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
/** §6.5 SDES item type of the canonical name. */
export const SDES_CNAME = 1;

/** §6.4.1 report block. */
export interface ReportBlock {
  ssrc: number;
  /** 8-bit fixed point (lost/expected × 256). */
  fractionLost: number;
  /** 24-bit signed. */
  cumulativeLost: number;
  extendedHighestSeq: number;
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received (LSR). */
  lastSr: number;
  /** Delay since last SR in 1/65536 s (DLSR). */
  delaySinceLastSr: number;
}

export interface SenderInfo {
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export type RtcpPacket =
  | { type: "sr"; ssrc: number; sender: SenderInfo; reports: ReportBlock[] }
  | { type: "rr"; ssrc: number; reports: ReportBlock[] }
  | { type: "sdes"; chunks: { ssrc: number; cname?: string }[] }
  | { type: "bye"; ssrcs: number[]; reason?: string }
  /** Any other packet type (APP, RTPFB…) is kept opaque so a compound still decodes. */
  | { type: "other"; packetType: number };

/** Encodes packets back to back into one compound (§6.1: the first must be SR or RR). */
export function encodeRtcpCompound(packets: readonly RtcpPacket[]): Uint8Array {
  return concatBytes(...packets.map(encodeOne));
}

function header(out: Uint8Array, count: number, pt: number): void {
  out[0] = 0x80 | (count & 0x1f);
  out[1] = pt;
  const words = out.length / 4 - 1;
  out[2] = (words >> 8) & 0xff;
  out[3] = words & 0xff;
}

function writeReport(out: Uint8Array, off: number, r: ReportBlock): void {
  writeU32(out, off, r.ssrc);
  out[off + 4] = r.fractionLost & 0xff;
  const cl = r.cumulativeLost & 0xffffff;
  out[off + 5] = (cl >> 16) & 0xff;
  out[off + 6] = (cl >> 8) & 0xff;
  out[off + 7] = cl & 0xff;
  writeU32(out, off + 8, r.extendedHighestSeq);
  writeU32(out, off + 12, r.jitter);
  writeU32(out, off + 16, r.lastSr);
  writeU32(out, off + 20, r.delaySinceLastSr);
}

function encodeOne(p: RtcpPacket): Uint8Array {
  switch (p.type) {
    case "sr": {
      const reports = p.reports.slice(0, 31);
      const out = new Uint8Array(28 + reports.length * 24);
      header(out, reports.length, RTCP_SR);
      writeU32(out, 4, p.ssrc);
      writeU32(out, 8, p.sender.ntpSeconds);
      writeU32(out, 12, p.sender.ntpFraction);
      writeU32(out, 16, p.sender.rtpTimestamp);
      writeU32(out, 20, p.sender.packetCount);
      writeU32(out, 24, p.sender.octetCount);
      reports.forEach((r, i) => {
        writeReport(out, 28 + i * 24, r);
      });
      return out;
    }
    case "rr": {
      const reports = p.reports.slice(0, 31);
      const out = new Uint8Array(8 + reports.length * 24);
      header(out, reports.length, RTCP_RR);
      writeU32(out, 4, p.ssrc);
      reports.forEach((r, i) => {
        writeReport(out, 8 + i * 24, r);
      });
      return out;
    }
    case "sdes": {
      // §6.5: each chunk is SSRC, items, a null item, padded to a 32-bit boundary.
      const chunks = p.chunks.slice(0, 31).map((c) => {
        const name = c.cname === undefined ? undefined : utf8(c.cname).subarray(0, 255);
        const itemBytes = name === undefined ? 0 : 2 + name.length;
        const len = Math.ceil((4 + itemBytes + 1) / 4) * 4;
        const b = new Uint8Array(len);
        writeU32(b, 0, c.ssrc);
        if (name !== undefined) {
          b[4] = SDES_CNAME;
          b[5] = name.length;
          b.set(name, 6);
        }
        return b;
      });
      const out = new Uint8Array(4 + chunks.reduce((n, c) => n + c.length, 0));
      header(out, chunks.length, RTCP_SDES);
      let off = 4;
      for (const c of chunks) {
        out.set(c, off);
        off += c.length;
      }
      return out;
    }
    case "bye": {
      const ssrcs = p.ssrcs.slice(0, 31);
      const reason = p.reason === undefined ? undefined : utf8(p.reason).subarray(0, 255);
      const reasonBytes = reason === undefined ? 0 : Math.ceil((1 + reason.length) / 4) * 4;
      const out = new Uint8Array(4 + ssrcs.length * 4 + reasonBytes);
      header(out, ssrcs.length, RTCP_BYE);
      ssrcs.forEach((s, i) => {
        writeU32(out, 4 + i * 4, s);
      });
      if (reason !== undefined) {
        const off = 4 + ssrcs.length * 4;
        out[off] = reason.length;
        out.set(reason, off + 1);
      }
      return out;
    }
    case "other":
      return new Uint8Array(0);
  }
}

function readReports(b: Uint8Array, off: number, count: number): ReportBlock[] {
  const reports: ReportBlock[] = [];
  for (let i = 0; i < count; i++, off += 24) {
    const cl = (b[off + 5]! << 16) | (b[off + 6]! << 8) | b[off + 7]!;
    reports.push({
      ssrc: readU32(b, off),
      fractionLost: b[off + 4]!,
      cumulativeLost: cl & 0x800000 ? cl - 0x1000000 : cl,
      extendedHighestSeq: readU32(b, off + 8),
      jitter: readU32(b, off + 12),
      lastSr: readU32(b, off + 16),
      delaySinceLastSr: readU32(b, off + 20),
    });
  }
  return reports;
}

/** Decodes a compound packet; any structural error rejects the whole compound (§6.1). */
export function decodeRtcpCompound(b: Uint8Array): Result<RtcpPacket[], ParseError> {
  const packets: RtcpPacket[] = [];
  let off = 0;
  if (b.length < 4) return parseError("too short for an RTCP header", 0);
  while (off < b.length) {
    if (off + 4 > b.length) return parseError("truncated RTCP header", off);
    const b0 = b[off]!;
    if (b0 >> 6 !== 2) return parseError("RTCP version is not 2", off);
    const count = b0 & 0x1f;
    const pt = b[off + 1]!;
    const len = (((b[off + 2]! << 8) | b[off + 3]!) + 1) * 4;
    if (off + len > b.length) return parseError("RTCP length runs past the end", off);
    // §6.4.1: padding only on the last packet of the compound; its last octet counts it.
    let end = off + len;
    if (b0 & 0x20) {
      const pad = b[end - 1]!;
      if (pad === 0 || pad > len - 4) return parseError("invalid RTCP padding", off);
      end -= pad;
    }
    const body = end - off;
    if (packets.length === 0 && pt !== RTCP_SR && pt !== RTCP_RR) {
      return parseError("compound does not start with SR or RR", off);
    }
    if (pt === RTCP_SR) {
      if (body < 28 + count * 24) return parseError("SR shorter than its report count", off);
      packets.push({
        type: "sr",
        ssrc: readU32(b, off + 4),
        sender: {
          ntpSeconds: readU32(b, off + 8),
          ntpFraction: readU32(b, off + 12),
          rtpTimestamp: readU32(b, off + 16),
          packetCount: readU32(b, off + 20),
          octetCount: readU32(b, off + 24),
        },
        reports: readReports(b, off + 28, count),
      });
    } else if (pt === RTCP_RR) {
      if (body < 8 + count * 24) return parseError("RR shorter than its report count", off);
      packets.push({ type: "rr", ssrc: readU32(b, off + 4), reports: readReports(b, off + 8, count) });
    } else if (pt === RTCP_SDES) {
      const chunks = decodeSdes(b, off + 4, end, count);
      if (chunks === undefined) return parseError("malformed SDES chunk", off);
      packets.push({ type: "sdes", chunks });
    } else if (pt === RTCP_BYE) {
      if (body < 4 + count * 4) return parseError("BYE shorter than its source count", off);
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(readU32(b, off + 4 + i * 4));
      const r = off + 4 + count * 4;
      if (r < end) {
        const n = b[r]!;
        if (r + 1 + n > end) return parseError("BYE reason runs past the end", r);
        packets.push({ type: "bye", ssrcs, reason: fromUtf8(b.subarray(r + 1, r + 1 + n)) });
      } else packets.push({ type: "bye", ssrcs });
    } else packets.push({ type: "other", packetType: pt });
    off += len;
  }
  return ok(packets);
}

function decodeSdes(
  b: Uint8Array,
  off: number,
  end: number,
  count: number,
): { ssrc: number; cname?: string }[] | undefined {
  const chunks: { ssrc: number; cname?: string }[] = [];
  for (let i = 0; i < count; i++) {
    if (off + 4 > end) return undefined;
    const chunk: { ssrc: number; cname?: string } = { ssrc: readU32(b, off) };
    off += 4;
    // §6.5: items until a zero type octet, then pad to the next 32-bit boundary.
    for (;;) {
      if (off >= end) return undefined;
      const type = b[off]!;
      if (type === 0) break;
      if (off + 2 > end) return undefined;
      const n = b[off + 1]!;
      if (off + 2 + n > end) return undefined;
      if (type === SDES_CNAME) chunk.cname = fromUtf8(b.subarray(off + 2, off + 2 + n));
      off += 2 + n;
    }
    off = (off + 4) & ~3;
    chunks.push(chunk);
  }
  return chunks;
}

/** NTP timestamp (RFC 3550 §4) from Unix epoch milliseconds. */
export function ntpFromUnixMs(ms: number): { ntpSeconds: number; ntpFraction: number } {
  const seconds = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - seconds * 1000) / 1000) * 0x100000000);
  return { ntpSeconds: (seconds + 2208988800) >>> 0, ntpFraction: fraction >>> 0 };
}

/** The middle 32 bits of an NTP timestamp, as echoed in LSR (§6.4.1). */
export function ntpMiddle32(ntpSeconds: number, ntpFraction: number): number {
  return (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
}
