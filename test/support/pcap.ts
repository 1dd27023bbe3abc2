/**
 * A tiny classic-pcap reader (the libpcap file format, not pcapng) for test vectors: global
 * header, per-packet records, and UDP datagrams over Ethernet (with 802.1Q), Linux cooked
 * capture v1/v2, BSD loopback or raw IP, IPv4 or IPv6. Returns a reason instead of throwing.
 */
import { ok, parseError, type Result } from "../../src/lib/result.ts";

export interface PcapRecord {
  /** Capture time in microseconds since the epoch. */
  readonly timeUs: number;
  readonly data: Uint8Array;
}

export interface PcapFile {
  readonly linkType: number;
  readonly records: readonly PcapRecord[];
}

export interface UdpDatagram {
  readonly timeUs: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

export function readPcap(bytes: Uint8Array): Result<PcapFile> {
  if (bytes.length < 24) return parseError("shorter than a pcap global header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  let little: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) little = false;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) little = true;
  else return parseError("not a classic pcap file (bad magic)", 0);
  const nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const linkType = view.getUint32(20, little) & 0xffff;
  const records: PcapRecord[] = [];
  let o = 24;
  while (o + 16 <= bytes.length) {
    const sec = view.getUint32(o, little);
    const frac = view.getUint32(o + 4, little);
    const incl = view.getUint32(o + 8, little);
    if (o + 16 + incl > bytes.length) return parseError("truncated pcap record", o);
    records.push({
      timeUs: sec * 1e6 + (nanos ? Math.floor(frac / 1000) : frac),
      data: bytes.subarray(o + 16, o + 16 + incl),
    });
    o += 16 + incl;
  }
  return ok({ linkType, records });
}

/** Offset of the IP header in a frame and its version, or undefined when it is not IP. */
function ipStart(linkType: number, d: Uint8Array): number | undefined {
  const u16 = (i: number) => (d[i]! << 8) | d[i + 1]!;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      let o = 12;
      while (u16(o) === 0x8100 || u16(o) === 0x88a8) o += 4;
      const type = u16(o);
      return type === 0x0800 || type === 0x86dd ? o + 2 : undefined;
    }
    case LINKTYPE_LINUX_SLL:
      return u16(14) === 0x0800 || u16(14) === 0x86dd ? 16 : undefined;
    case LINKTYPE_LINUX_SLL2:
      return u16(0) === 0x0800 || u16(0) === 0x86dd ? 20 : undefined;
    case LINKTYPE_NULL:
      return 4;
    case LINKTYPE_RAW:
      return 0;
    default:
      return undefined;
  }
}

/** The UDP datagrams of a capture, in file order; other packets are skipped. */
export function udpDatagrams(file: PcapFile): UdpDatagram[] {
  const out: UdpDatagram[] = [];
  for (const r of file.records) {
    const d = r.data;
    const ip = ipStart(file.linkType, d);
    if (ip === undefined || ip >= d.length) continue;
    const version = d[ip]! >> 4;
    let udp: number;
    if (version === 4) {
      if (d[ip + 9] !== 17) continue;
      udp = ip + (d[ip]! & 0x0f) * 4;
    } else if (version === 6) {
      if (d[ip + 6] !== 17) continue;
      udp = ip + 40;
    } else continue;
    if (udp + 8 > d.length) continue;
    const len = (d[udp + 4]! << 8) | d[udp + 5]!;
    const end = Math.min(udp + Math.max(len, 8), d.length);
    out.push({
      timeUs: r.timeUs,
      srcPort: (d[udp]! << 8) | d[udp + 1]!,
      dstPort: (d[udp + 2]! << 8) | d[udp + 3]!,
      payload: d.subarray(udp + 8, end),
    });
  }
  return out;
}
