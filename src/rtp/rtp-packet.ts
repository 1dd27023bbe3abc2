/**
 * RTP fixed header encode/decode (RFC 3550 §5.1, §5.3.1). Decoding fills a caller-owned,
 * reusable {@link RtpView} so the per-packet receive path allocates nothing; the payload is
 * described by offset/length into the caller's bytes.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

export const RTP_VERSION = 2;
export const RTP_FIXED_HEADER_BYTES = 12;

/** Why bytes are not an RTP packet. Constant strings, so a failed decode allocates nothing. */
export type RtpDecodeFailure =
  | "too short for the RTP fixed header"
  | "version is not 2"
  | "CSRC list runs past the end"
  | "header extension runs past the end"
  | "padding length is invalid";

/** Decoded RTP header; reused across packets (create once per receive path). */
export interface RtpView {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcCount: number;
  /** First `csrcCount` entries are valid. */
  readonly csrc: Uint32Array;
  hasExtension: boolean;
  /** RFC 3550 §5.3.1 "defined by profile" 16 bits. */
  extensionProfile: number;
  /** Offset and byte length of the extension data (after its 4-byte header). */
  extensionOffset: number;
  extensionLength: number;
  /** Count of padding octets removed (RFC 3550 §5.1 P bit), 0 without padding. */
  paddingLength: number;
  payloadOffset: number;
  payloadLength: number;
}

export function createRtpView(): RtpView {
  return {
    marker: false,
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    csrcCount: 0,
    csrc: new Uint32Array(15),
    hasExtension: false,
    extensionProfile: 0,
    extensionOffset: 0,
    extensionLength: 0,
    paddingLength: 0,
    payloadOffset: 0,
    payloadLength: 0,
  };
}

/**
 * Decodes the first `length` bytes of `bytes` into `view`. Returns undefined on success or a
 * reason; `view` is then partly overwritten and must not be used.
 */
export function decodeRtp(bytes: Uint8Array, length: number, view: RtpView): RtpDecodeFailure | undefined {
  if (length < RTP_FIXED_HEADER_BYTES) return "too short for the RTP fixed header";
  const b0 = bytes[0]!;
  if (b0 >> 6 !== RTP_VERSION) return "version is not 2";
  const cc = b0 & 0x0f;
  const b1 = bytes[1]!;
  view.marker = (b1 & 0x80) !== 0;
  view.payloadType = b1 & 0x7f;
  view.sequenceNumber = (bytes[2]! << 8) | bytes[3]!;
  view.timestamp = readU32(bytes, 4);
  view.ssrc = readU32(bytes, 8);
  let off = RTP_FIXED_HEADER_BYTES;
  if (off + cc * 4 > length) return "CSRC list runs past the end";
  view.csrcCount = cc;
  for (let i = 0; i < cc; i++, off += 4) view.csrc[i] = readU32(bytes, off);
  view.hasExtension = (b0 & 0x10) !== 0;
  view.extensionProfile = 0;
  view.extensionOffset = 0;
  view.extensionLength = 0;
  if (view.hasExtension) {
    // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words excluding this header.
    if (off + 4 > length) return "header extension runs past the end";
    view.extensionProfile = (bytes[off]! << 8) | bytes[off + 1]!;
    const words = (bytes[off + 2]! << 8) | bytes[off + 3]!;
    off += 4;
    if (off + words * 4 > length) return "header extension runs past the end";
    view.extensionOffset = off;
    view.extensionLength = words * 4;
    off += words * 4;
  }
  let end = length;
  view.paddingLength = 0;
  if ((b0 & 0x20) !== 0) {
    // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
    const pad = bytes[length - 1]!;
    if (pad === 0 || pad > length - off) return "padding length is invalid";
    view.paddingLength = pad;
    end -= pad;
  }
  view.payloadOffset = off;
  view.payloadLength = end - off;
  return undefined;
}

/**
 * Writes a 12-byte header without CSRCs or extension at `out[0..12)` (the send path of a
 * gateway that is its own only source) and returns 12.
 */
export function writeRtpHeader(
  out: Uint8Array,
  payloadType: number,
  marker: boolean,
  sequenceNumber: number,
  timestamp: number,
  ssrc: number,
): number {
  out[0] = RTP_VERSION << 6;
  out[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  out[2] = (sequenceNumber >> 8) & 0xff;
  out[3] = sequenceNumber & 0xff;
  writeU32(out, 4, timestamp);
  writeU32(out, 8, ssrc);
  return RTP_FIXED_HEADER_BYTES;
}

/** Fields of a full RTP packet for {@link encodeRtp} (tests, tools; not the 20 ms path). */
export interface RtpPacketFields {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc?: readonly number[];
  extension?: { profile: number; data: Uint8Array };
  /** Padding octets to append (RFC 3550 §5.1), 1..255. */
  padding?: number;
  payload: Uint8Array;
}

/** Encodes a complete packet; extension data is zero-padded to a 32-bit boundary. */
export function encodeRtp(p: RtpPacketFields): Uint8Array {
  const csrc = p.csrc ?? [];
  const cc = Math.min(csrc.length, 15);
  const extWords = p.extension === undefined ? 0 : Math.ceil(p.extension.data.length / 4);
  const extBytes = p.extension === undefined ? 0 : 4 + extWords * 4;
  const pad = p.padding ?? 0;
  const out = new Uint8Array(RTP_FIXED_HEADER_BYTES + cc * 4 + extBytes + p.payload.length + pad);
  writeRtpHeader(out, p.payloadType, p.marker ?? false, p.sequenceNumber, p.timestamp, p.ssrc);
  out[0] = out[0]! | cc | (pad > 0 ? 0x20 : 0) | (p.extension !== undefined ? 0x10 : 0);
  let off = RTP_FIXED_HEADER_BYTES;
  for (let i = 0; i < cc; i++, off += 4) writeU32(out, off, csrc[i]!);
  if (p.extension !== undefined) {
    out[off] = (p.extension.profile >> 8) & 0xff;
    out[off + 1] = p.extension.profile & 0xff;
    out[off + 2] = (extWords >> 8) & 0xff;
    out[off + 3] = extWords & 0xff;
    out.set(p.extension.data, off + 4);
    off += extBytes;
  }
  out.set(p.payload, off);
  if (pad > 0) out[out.length - 1] = pad;
  return out;
}

export function readU32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function writeU32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

/**
 * Length of the header (fixed part, CSRCs, extension) without looking at padding, or −1 when
 * it runs past `length`. SRTP needs this: padding is inside the encrypted portion (RFC 3711
 * §3.1), so it cannot be checked before decryption.
 */
export function rtpHeaderLength(bytes: Uint8Array, length: number): number {
  if (length < RTP_FIXED_HEADER_BYTES || bytes[0]! >> 6 !== RTP_VERSION) return -1;
  let off = RTP_FIXED_HEADER_BYTES + (bytes[0]! & 0x0f) * 4;
  if ((bytes[0]! & 0x10) !== 0) {
    if (off + 4 > length) return -1;
    off += 4 + ((bytes[off + 2]! << 8) | bytes[off + 3]!) * 4;
  }
  return off > length ? -1 : off;
}
