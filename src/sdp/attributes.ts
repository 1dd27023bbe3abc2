/**
 * Reading and writing the SDP attributes offer/answer needs: rtpmap (RFC 8866 §6.6), the
 * direction attributes (RFC 8866 §6.7, RFC 3264 §5.1), rtcp (RFC 3605 §2.1) and crypto
 * (RFC 4568 §9.1), plus the connection address in force for a media section (RFC 8866 §5.7).
 */
import type {
  Attribute,
  Connection,
  CryptoAttribute,
  Direction,
  MediaDescription,
  SessionDescription,
} from "./types.ts";

export interface Rtpmap {
  readonly payloadType: number;
  readonly encodingName: string;
  readonly clockRate: number;
  readonly channels?: number;
}

const DIRECTIONS: readonly Direction[] = ["sendrecv", "sendonly", "recvonly", "inactive"];

/** `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`. */
export function parseRtpmap(value: string): Rtpmap | undefined {
  const m = /^\s*(\d{1,3})\s+([^/\s]+)\/(\d{1,6})(?:\/(\d{1,3}))?\s*$/.exec(value);
  if (m === null) return undefined;
  const payloadType = Number(m[1]);
  if (payloadType > 127) return undefined;
  const base = { payloadType, encodingName: m[2]!, clockRate: Number(m[3]) };
  return m[4] === undefined ? base : { ...base, channels: Number(m[4]) };
}

/** The rtpmap for `payloadType` in a media section, if one is given. */
export function rtpmapFor(media: MediaDescription, payloadType: number): Rtpmap | undefined {
  for (const a of media.attributes) {
    if (a.name.toLowerCase() !== "rtpmap" || a.value === undefined) continue;
    const r = parseRtpmap(a.value);
    if (r !== undefined && r.payloadType === payloadType) return r;
  }
  return undefined;
}

/** Payload type numbers of an RTP media section; non-numeric formats are skipped. */
export function payloadTypesOf(media: MediaDescription): number[] {
  const out: number[] = [];
  for (const f of media.formats) {
    if (/^\d{1,3}$/.test(f) && Number(f) <= 127) out.push(Number(f));
  }
  return out;
}

function directionIn(attributes: readonly Attribute[]): Direction | undefined {
  for (const a of attributes) {
    const d = DIRECTIONS.find((x) => x === a.name.toLowerCase());
    if (d !== undefined) return d;
  }
  return undefined;
}

/** RFC 8866 §6.7: a media-level direction overrides the session-level one; sendrecv by default. */
export function directionOf(sd: SessionDescription, media: MediaDescription): Direction {
  return directionIn(media.attributes) ?? directionIn(sd.attributes) ?? "sendrecv";
}

/** The direction the other side takes when it mirrors `d` (RFC 3264 §6.1). */
export function reverseDirection(d: Direction): Direction {
  if (d === "sendonly") return "recvonly";
  if (d === "recvonly") return "sendonly";
  return d;
}

export function directionSends(d: Direction): boolean {
  return d === "sendrecv" || d === "sendonly";
}

export function directionReceives(d: Direction): boolean {
  return d === "sendrecv" || d === "recvonly";
}

export function directionFrom(send: boolean, receive: boolean): Direction {
  if (send) return receive ? "sendrecv" : "sendonly";
  return receive ? "recvonly" : "inactive";
}

/**
 * RFC 3264 §6.1: the direction we take is the one we want less what the peer's mirror image
 * refuses — we send only if it receives, and receive only if it sends. The answerer applies it
 * to the offer (§6.1), the offerer to the answer it reads (§7).
 */
export function agreedDirection(wanted: Direction, remote: Direction): Direction {
  const mirrored = reverseDirection(remote);
  return directionFrom(
    directionSends(wanted) && directionSends(mirrored),
    directionReceives(wanted) && directionReceives(mirrored),
  );
}

/** RFC 8866 §5.7: the media-level c= wins over the session-level one. */
export function connectionOf(sd: SessionDescription, media: MediaDescription): Connection | undefined {
  return media.connections[0] ?? sd.connection;
}

/** The address without any multicast `/ttl` or `/count` suffix. */
export function connectionAddress(c: Connection): string {
  const slash = c.address.indexOf("/");
  return slash < 0 ? c.address : c.address.slice(0, slash);
}

/**
 * RFC 3264 §8.4 / RFC 6337 §5.3: `c=0.0.0.0` is the RFC 2543 way to put a stream on hold; the
 * IPv6 unspecified address is treated the same.
 */
export function isHoldAddress(address: string): boolean {
  return address === "0.0.0.0" || address === "::" || address === "0:0:0:0:0:0:0:0";
}

/** `a=rtcp:<port> [...]` (RFC 3605 §2.1), else RTP port + 1 (RFC 3550 §11). */
export function rtcpPortOf(media: MediaDescription): number {
  for (const a of media.attributes) {
    if (a.name.toLowerCase() !== "rtcp" || a.value === undefined) continue;
    const m = /^\s*(\d{1,5})\b/.exec(a.value);
    if (m !== null && Number(m[1]) <= 65535) return Number(m[1]);
  }
  return media.port + 1;
}

/** `a=crypto:<tag> <crypto-suite> <key-params> [<session-param>]...` (RFC 4568 §9.1). */
export function parseCrypto(value: string): CryptoAttribute | undefined {
  const p = value.trim().split(/\s+/);
  if (p.length < 3 || !/^\d{1,9}$/.test(p[0]!)) return undefined;
  return { tag: Number(p[0]), suite: p[1]!, keyParams: p[2]!, sessionParams: p.slice(3) };
}

export function cryptoAttributeValue(c: CryptoAttribute): string {
  const params = c.sessionParams.length === 0 ? "" : ` ${c.sessionParams.join(" ")}`;
  return `${c.tag} ${c.suite} ${c.keyParams}${params}`;
}

/** All well-formed crypto lines of a media section, in order. */
export function cryptosOf(media: MediaDescription): CryptoAttribute[] {
  const out: CryptoAttribute[] = [];
  for (const a of media.attributes) {
    if (a.name.toLowerCase() !== "crypto" || a.value === undefined) continue;
    const c = parseCrypto(a.value);
    if (c !== undefined) out.push(c);
  }
  return out;
}

/**
 * The base64 key||salt of the first `inline:` key-param (RFC 4568 §6.1: key-params are
 * `;`-separated; each is `inline:<key||salt>[|<lifetime>][|<MKI>:<length>]`). Both suites we
 * run take a 128-bit master key and a 112-bit salt (§6.2.1, §6.2.2): 30 octets, which base64
 * writes as exactly 40 characters without padding. A key of any other length cannot key the
 * suite, so the line is unusable (undefined) rather than accepted and failing at media time.
 */
export function inlineKeyOf(keyParams: string): string | undefined {
  const first = keyParams.split(";")[0]!;
  const m = /^inline:([A-Za-z0-9+/]{40})(?:\|.*)?$/i.exec(first);
  return m === null ? undefined : m[1];
}
