/**
 * STUN message framing (RFC 8489 §5, §14): the 20-byte header, the message type's
 * method/class interleaving, TLV attributes with 32-bit padding, and the FINGERPRINT attribute
 * (§14.7). Pure: bytes in, a Result out; bad input never throws.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |0 0|     STUN Message Type     |         Message Length        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         Magic Cookie                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     Transaction ID (96 bits)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { ok, parseError, type Result } from "../lib/result.ts";
import { crc32 } from "./crc32.ts";

/** RFC 8489 §5: fixed value in every message; absent in RFC 3489 messages. */
export const MAGIC_COOKIE = 0x2112a442;
const HEADER_LENGTH = 20;
export const TRANSACTION_ID_LENGTH = 12;
/** RFC 8489 §14.7: the CRC is XORed with "STUN" so it differs from other CRCs in the packet. */
const FINGERPRINT_XOR = 0x5354554e;
/** Bound on what we decode: a path MTU-sized datagram (RFC 8489 §6.2.1 says ≤ 576 without PMTU). */
const MAX_MESSAGE_LENGTH = 1500;
const MAX_ATTRIBUTES = 64;

/** RFC 8489 §18.2. */
export const METHOD_BINDING = 0x001;

/** RFC 8489 §18.3 / §18.4: the attribute types we read or write. */
export const ATTR = {
  MAPPED_ADDRESS: 0x0001,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  XOR_MAPPED_ADDRESS: 0x0020,
  SOFTWARE: 0x8022,
  FINGERPRINT: 0x8028,
} as const;

/** RFC 8489 §5: the two class bits C1 C0. */
export type StunClass = "request" | "indication" | "success" | "error";
const CLASS_BITS: Record<StunClass, number> = { request: 0, indication: 1, success: 2, error: 3 };
const CLASS_OF: readonly StunClass[] = ["request", "indication", "success", "error"];

export interface StunAttribute {
  readonly type: number;
  readonly value: Uint8Array;
}

export interface StunMessage {
  readonly method: number;
  readonly class: StunClass;
  /** 12 bytes. */
  readonly transactionId: Uint8Array;
  readonly attributes: readonly StunAttribute[];
  /** True when a FINGERPRINT attribute was present and verified. */
  readonly fingerprinted: boolean;
}

/**
 * RFC 8489 §5 Figure 3: the method bits M0-M11 with C0 at bit 4 and C1 at bit 8.
 *   0                 1
 *   2  3  4 5 6 7 8 9 0 1 2 3 4 5
 *  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 *  |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 *  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export function messageType(method: number, cls: StunClass): number {
  const c = CLASS_BITS[cls];
  return (
    (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((c & 1) << 4) | ((c & 2) << 7)
  );
}

function splitType(type: number): { method: number; cls: StunClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const c = ((type >> 4) & 1) | ((type >> 7) & 2);
  return { method, cls: CLASS_OF[c]! };
}

function padded(n: number): number {
  return (n + 3) & ~3;
}

export interface EncodeOptions {
  method: number;
  class: StunClass;
  transactionId: Uint8Array;
  attributes?: readonly StunAttribute[];
  /** Append FINGERPRINT (RFC 8489 §14.7), last, covering everything before it. */
  fingerprint?: boolean;
}

/** Encodes a message; attribute values are padded to 32 bits with zeros (§14). */
export function encodeStunMessage(opts: EncodeOptions): Uint8Array {
  const attrs = opts.attributes ?? [];
  let bodyLength = 0;
  for (const a of attrs) bodyLength += 4 + padded(a.value.length);
  if (opts.fingerprint === true) bodyLength += 8;
  const out = new Uint8Array(HEADER_LENGTH + bodyLength);
  const view = new DataView(out.buffer);
  view.setUint16(0, messageType(opts.method, opts.class));
  view.setUint16(2, bodyLength);
  view.setUint32(4, MAGIC_COOKIE);
  out.set(opts.transactionId.subarray(0, TRANSACTION_ID_LENGTH), 8);
  let at = HEADER_LENGTH;
  for (const a of attrs) {
    view.setUint16(at, a.type);
    view.setUint16(at + 2, a.value.length);
    out.set(a.value, at + 4);
    at += 4 + padded(a.value.length);
  }
  if (opts.fingerprint === true) {
    // §14.7: the length field already counts the FINGERPRINT attribute when the CRC is taken.
    view.setUint16(at, ATTR.FINGERPRINT);
    view.setUint16(at + 2, 4);
    view.setUint32(at + 4, (crc32(out, 0, at) ^ FINGERPRINT_XOR) >>> 0);
  }
  return out;
}

/** True when `data` looks like STUN (§5: top two bits zero, magic cookie) — for demultiplexing. */
export function isStunMessage(data: Uint8Array): boolean {
  if (data.length < HEADER_LENGTH || (data[0]! & 0xc0) !== 0) return false;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return view.getUint32(4) === MAGIC_COOKIE;
}

/** Decodes one whole message (a UDP datagram). */
export function decodeStunMessage(data: Uint8Array): Result<StunMessage> {
  if (data.length < HEADER_LENGTH) return parseError("shorter than the 20-byte STUN header", 0);
  if (data.length > MAX_MESSAGE_LENGTH) return parseError("STUN message too large", MAX_MESSAGE_LENGTH);
  if ((data[0]! & 0xc0) !== 0) return parseError("top two bits of a STUN message must be zero", 0);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = view.getUint16(2);
  // §5: the length never counts the header and is a multiple of 4 (attributes are padded).
  if (length % 4 !== 0) return parseError("message length not a multiple of 4", 2);
  if (HEADER_LENGTH + length !== data.length)
    return parseError("message length does not match the datagram", 2);
  if (view.getUint32(4) !== MAGIC_COOKIE) return parseError("no magic cookie (RFC 3489 message)", 4);
  const { method, cls } = splitType(view.getUint16(0));
  const attributes: StunAttribute[] = [];
  let fingerprinted = false;
  let at = HEADER_LENGTH;
  while (at < data.length) {
    if (attributes.length >= MAX_ATTRIBUTES) return parseError("too many attributes", at);
    if (at + 4 > data.length) return parseError("truncated attribute header", at);
    const type = view.getUint16(at);
    const len = view.getUint16(at + 2);
    if (at + 4 + len > data.length) return parseError("attribute value past the end", at);
    if (type === ATTR.FINGERPRINT) {
      // §14.7: FINGERPRINT is the last attribute, and its CRC covers everything before it.
      if (len !== 4 || at + 8 !== data.length)
        return parseError("FINGERPRINT must be the last attribute", at);
      if ((crc32(data, 0, at) ^ FINGERPRINT_XOR) >>> 0 !== view.getUint32(at + 4))
        return parseError("FINGERPRINT mismatch", at);
      fingerprinted = true;
    }
    attributes.push({ type, value: data.subarray(at + 4, at + 4 + len) });
    at += 4 + padded(len);
  }
  if (at !== data.length) return parseError("attribute padding past the end", data.length);
  return ok({
    method,
    class: cls,
    transactionId: data.subarray(8, HEADER_LENGTH),
    attributes,
    fingerprinted,
  });
}

/** The first attribute of `type` (§14: later duplicates are ignored). */
export function findAttribute(message: StunMessage, type: number): Uint8Array | undefined {
  for (const a of message.attributes) if (a.type === type) return a.value;
  return undefined;
}
