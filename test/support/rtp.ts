/**
 * RTP fixed-header reading for the tests that inspect captured packets (RFC 3550 §5.1): the
 * version check, payload type, marker, sequence number, timestamp, SSRC and the payload after
 * the CSRC list. Header extensions (X bit) and padding are not used by the peers under test.
 */

/** True when `b` can be an RTP packet (12+ bytes, version 2) of payload type `pt` (any when omitted). */
export function isRtp(b: Uint8Array, pt?: number): boolean {
  return b.length >= 12 && b[0]! >> 6 === 2 && (pt === undefined || (b[1]! & 0x7f) === pt);
}

/** The payload of an RTP packet: what follows the fixed header and its CC CSRC entries. */
export function rtpPayload(b: Uint8Array): Uint8Array {
  return b.subarray(12 + (b[0]! & 0x0f) * 4);
}

export interface RtpHeader {
  readonly pt: number;
  readonly marker: boolean;
  readonly seq: number;
  readonly ts: number;
  readonly ssrc: number;
  readonly payload: Uint8Array;
}

/** The fixed header fields of a packet of at least 12 bytes (check with isRtp first). */
export function rtpHeader(b: Uint8Array): RtpHeader {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    pt: b[1]! & 0x7f,
    marker: (b[1]! & 0x80) !== 0,
    seq: v.getUint16(2),
    ts: v.getUint32(4),
    ssrc: v.getUint32(8),
    payload: rtpPayload(b),
  };
}
