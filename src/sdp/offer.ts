/**
 * Our SDP offers (sip.md §10, RFC 3264 §5): PCMU, PCMA, G722, opus, telephone-event in that
 * order minus what the allowlist excludes, `a=ptime:20`, a direction attribute, and for SRTP
 * `RTP/SAVP` with RFC 4568 `a=crypto` lines whose key material the caller supplies. Also the
 * origin handling for later descriptions in the same session (RFC 3264 §8).
 */
import type { Random } from "../lib/random.ts";
import { randomU32 } from "../lib/random.ts";
import { cryptoAttributeValue } from "./attributes.ts";
import { CODECS, codecAllowed, TELEPHONE_EVENT } from "./codecs.ts";
import { serializeSdp } from "./serialize.ts";
import type {
  Attribute,
  CodecName,
  Direction,
  MediaDescription,
  SessionDescription,
  SrtpSuite,
} from "./types.ts";

/** The o= fields we keep for the life of a session. */
export interface LocalOrigin {
  readonly sessionId: string;
  readonly sessionVersion: string;
  /** o= username; "-" when there is none (RFC 8866 §5.2). */
  readonly username?: string;
}

/** Shared by offers and answers: where our RTP socket is and the origin to write. */
export interface LocalMediaOptions {
  /** Advertised RTP address (sip.md §4); IPv6 when it contains ':'. */
  readonly address: string;
  readonly port: number;
  readonly origin: LocalOrigin;
  /** Our direction; sendrecv unless holding (sip.md §7). */
  readonly direction?: Direction;
  /** Codec allowlist; absent or empty allows all (sip.md §4). */
  readonly allow?: readonly CodecName[];
}

/** One offered SRTP suite with its base64 master key || salt (RFC 4568 §6.1, 30 bytes for these suites). */
export interface OfferedCrypto {
  readonly suite: SrtpSuite;
  readonly key: string;
}

export interface OfferOptions extends LocalMediaOptions {
  /** When given, the offer is RTP/SAVP with one crypto line per entry, tags 1, 2, … */
  readonly crypto?: readonly OfferedCrypto[];
}

export const SESSION_NAME = "xbridge";
export const PTIME_MS = 20;

/** A new origin: RFC 8866 §5.2 only asks the session id to be unique; version starts equal to it. */
export function freshOrigin(random: Random): LocalOrigin {
  const id = `${randomU32(random)}`;
  return { sessionId: id, sessionVersion: id };
}

export function addrTypeOf(address: string): "IP4" | "IP6" {
  return address.includes(":") ? "IP6" : "IP4";
}

/** Session-level lines common to our offers and answers. */
export function localSession(
  opts: LocalMediaOptions,
  media: readonly MediaDescription[],
): SessionDescription {
  const addrType = addrTypeOf(opts.address);
  return {
    version: 0,
    origin: {
      username: opts.origin.username ?? "-",
      sessionId: opts.origin.sessionId,
      sessionVersion: opts.origin.sessionVersion,
      netType: "IN",
      addrType,
      address: opts.address,
    },
    sessionName: SESSION_NAME,
    emails: [],
    phones: [],
    connection: { netType: "IN", addrType, address: opts.address },
    bandwidths: [],
    timings: [{ start: "0", stop: "0", repeats: [] }],
    attributes: [],
    unknown: [],
    media,
  };
}

/** Builds our offer (sip.md §10). Empty format list when the allowlist excludes every codec. */
export function buildOffer(opts: OfferOptions): SessionDescription {
  const formats: string[] = [];
  const attributes: Attribute[] = [];
  for (const c of CODECS) {
    if (!codecAllowed(c.name, opts.allow)) continue;
    formats.push(`${c.offerPt}`);
    const channels = c.channels === undefined ? "" : `/${c.channels}`;
    attributes.push({ name: "rtpmap", value: `${c.offerPt} ${c.encodingName}/${c.clockRate}${channels}` });
    if (c.fmtp !== undefined) attributes.push({ name: "fmtp", value: `${c.offerPt} ${c.fmtp}` });
  }
  // sip.md §4: telephone-event is always allowed.
  const te = TELEPHONE_EVENT;
  formats.push(`${te.offerPt}`);
  attributes.push({ name: "rtpmap", value: `${te.offerPt} ${te.encodingName}/${te.clockRate}` });
  attributes.push({ name: "fmtp", value: `${te.offerPt} ${te.fmtp}` });
  attributes.push({ name: "ptime", value: `${PTIME_MS}` });
  const crypto = opts.crypto ?? [];
  crypto.forEach((c, i) => {
    attributes.push({
      name: "crypto",
      value: cryptoAttributeValue({
        tag: i + 1,
        suite: c.suite,
        keyParams: `inline:${c.key}`,
        sessionParams: [],
      }),
    });
  });
  attributes.push({ name: opts.direction ?? "sendrecv" });
  const media: MediaDescription = {
    media: "audio",
    port: opts.port,
    // RFC 4568 §3.1.4: SDES keys go with the SAVP profile.
    proto: crypto.length > 0 ? "RTP/SAVP" : "RTP/AVP",
    formats,
    connections: [],
    bandwidths: [],
    attributes,
    unknown: [],
  };
  return localSession(opts, [media]);
}

/**
 * Gives `next` the origin of our previous description in this session (RFC 3264 §8): same
 * username and session id, version incremented by one if anything else changed, unchanged
 * otherwise (a session-timer refresh repeats the description as is).
 */
export function sequenceLocalDescription(
  previous: SessionDescription | undefined,
  next: SessionDescription,
): SessionDescription {
  const prev = previous?.origin;
  const cur = next.origin;
  if (previous === undefined || prev === undefined || cur === undefined) return next;
  const carried: SessionDescription = {
    ...next,
    origin: {
      ...cur,
      username: prev.username,
      sessionId: prev.sessionId,
      sessionVersion: prev.sessionVersion,
    },
  };
  if (serializeSdp(carried) === serializeSdp(previous)) return carried;
  const version = (BigInt(prev.sessionVersion) + 1n).toString();
  return { ...carried, origin: { ...carried.origin!, sessionVersion: version } };
}
