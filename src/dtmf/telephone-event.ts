/**
 * RFC 4733 §2.3 telephone-event payload encode/decode:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Decoding reads the first event of a payload; encoding writes into a caller-owned buffer
 * (the RTP packet being built) instead of returning new bytes.
 */
import { ok, parseError, type Result } from "../lib/result.ts";

export const TELEPHONE_EVENT_BYTES = 4;

export interface TelephoneEvent {
  /** RFC 4733 §3.2 event code (0–255). */
  readonly event: number;
  /** E bit: the last packet(s) of the event (§2.3.4). */
  readonly end: boolean;
  /** Power level in -dBm0, 0–63 (§2.3.3). */
  readonly volume: number;
  /** Event length so far in RTP timestamp units (§2.3.5). */
  readonly duration: number;
}

/** Decodes `length` bytes at `offset`. The R bit is ignored on receipt (§2.3.2). */
export function decodeTelephoneEvent(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
): Result<TelephoneEvent> {
  if (offset < 0 || length < TELEPHONE_EVENT_BYTES || offset + TELEPHONE_EVENT_BYTES > bytes.length)
    return parseError("telephone-event payload shorter than 4 bytes", offset);
  const flags = bytes[offset + 1]!;
  return ok({
    event: bytes[offset]!,
    end: (flags & 0x80) !== 0,
    volume: flags & 0x3f,
    duration: (bytes[offset + 2]! << 8) | bytes[offset + 3]!,
  });
}

/**
 * Writes the 4-byte payload at `offset` and returns the byte count. Fields are masked to their
 * widths; the R bit is sent as zero (§2.3.2). Duration is clamped to 0xFFFF (§2.5.1.3).
 */
export function encodeTelephoneEvent(ev: TelephoneEvent, out: Uint8Array, offset = 0): number {
  const duration = Math.min(Math.max(ev.duration, 0), 0xffff);
  out[offset] = ev.event & 0xff;
  out[offset + 1] = (ev.end ? 0x80 : 0) | (ev.volume & 0x3f);
  out[offset + 2] = duration >> 8;
  out[offset + 3] = duration & 0xff;
  return TELEPHONE_EVENT_BYTES;
}
