/**
 * MAPPED-ADDRESS (RFC 8489 §14.1) and XOR-MAPPED-ADDRESS (§14.2) attribute values.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |0 0 0 0 0 0 0 0|    Family     |         (X-)Port              |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                 (X-)Address (32 bits or 128 bits)             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Family 0x01 = IPv4, 0x02 = IPv6. The XOR form hides the address from NATs that rewrite
 * addresses found in payloads (§14.2): port ^ top 16 bits of the cookie, address ^ cookie
 * (‖ transaction id for IPv6).
 */
import { parseIp } from "../lib/ip.ts";
import { ok, parseError, type Result } from "../lib/result.ts";
import { MAGIC_COOKIE } from "./stun-message.ts";

export interface TransportAddress {
  family: 4 | 6;
  /** IPv4 dotted quad, or IPv6 in RFC 5952 text (no brackets). */
  address: string;
  port: number;
}

const FAMILY_V4 = 0x01;
const FAMILY_V6 = 0x02;

/** RFC 5952 §4: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

function xorMask(transactionId: Uint8Array): Uint8Array {
  const mask = new Uint8Array(16);
  new DataView(mask.buffer).setUint32(0, MAGIC_COOKIE);
  mask.set(transactionId.subarray(0, 12), 4);
  return mask;
}

function decode(value: Uint8Array, mask: Uint8Array | undefined): Result<TransportAddress> {
  if (value.length < 4) return parseError("address attribute shorter than 4 bytes", 0);
  const family = value[1]!;
  const size = family === FAMILY_V4 ? 4 : family === FAMILY_V6 ? 16 : 0;
  if (size === 0) return parseError(`unknown address family ${family}`, 1);
  if (value.length !== 4 + size) return parseError("address attribute has the wrong length", 0);
  let port = (value[2]! << 8) | value[3]!;
  const raw = value.slice(4, 4 + size);
  if (mask !== undefined) {
    port ^= MAGIC_COOKIE >>> 16;
    for (let i = 0; i < size; i++) raw[i]! ^= mask[i]!;
  }
  const address = size === 4 ? Array.from(raw).join(".") : formatIpv6(raw);
  return ok({ family: size === 4 ? 4 : 6, address, port });
}

/** MAPPED-ADDRESS (§14.1; what RFC 3489 servers send). */
export function decodeMappedAddress(value: Uint8Array): Result<TransportAddress> {
  return decode(value, undefined);
}

/** XOR-MAPPED-ADDRESS (§14.2). */
export function decodeXorMappedAddress(
  value: Uint8Array,
  transactionId: Uint8Array,
): Result<TransportAddress> {
  return decode(value, xorMask(transactionId));
}

function encode(addr: TransportAddress, mask: Uint8Array | undefined): Uint8Array | undefined {
  const ip = parseIp(addr.address);
  if (ip === undefined || !Number.isInteger(addr.port) || addr.port < 0 || addr.port > 0xffff)
    return undefined;
  const size = ip.bytes.length;
  const out = new Uint8Array(4 + size);
  out[1] = size === 4 ? FAMILY_V4 : FAMILY_V6;
  const port = mask === undefined ? addr.port : addr.port ^ (MAGIC_COOKIE >>> 16);
  out[2] = port >> 8;
  out[3] = port & 0xff;
  for (let i = 0; i < size; i++) out[4 + i] = ip.bytes[i]! ^ (mask === undefined ? 0 : mask[i]!);
  return out;
}

/** MAPPED-ADDRESS value; undefined for an address that is not an IP literal. */
export function encodeMappedAddress(addr: TransportAddress): Uint8Array | undefined {
  return encode(addr, undefined);
}

/** XOR-MAPPED-ADDRESS value; undefined for an address that is not an IP literal. */
export function encodeXorMappedAddress(
  addr: TransportAddress,
  transactionId: Uint8Array,
): Uint8Array | undefined {
  return encode(addr, xorMask(transactionId));
}
