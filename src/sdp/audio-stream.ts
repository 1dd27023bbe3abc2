/**
 * What offer/answer reads from one audio media section: which stream is usable (RFC 3264
 * §6: audio, port ≠ 0, an RTP profile we run), the codec and telephone-event payload types
 * (RFC 3264 §6.1, RFC 4733 §7.1.1), the remote address and whether it means hold (RFC 3264
 * §8.4, RFC 6337 §5.3).
 */

import { parseIp } from "../lib/ip.ts";
import {
  connectionAddress,
  connectionOf,
  directionFrom,
  directionOf,
  directionReceives,
  directionSends,
  isHoldAddress,
  payloadTypesOf,
  rtpmapFor,
} from "./attributes.ts";
import { type CodecSpec, codecAllowed, identifyCodec, isTelephoneEvent } from "./codecs.ts";
import type {
  CodecName,
  Direction,
  MediaDescription,
  NegotiatedCrypto,
  NegotiatedMedia,
  SessionDescription,
} from "./types.ts";

/** RTP profiles we run: plain RTP (RFC 3551) and SRTP with SDES keys (RFC 3711 §12, RFC 4568). */
export type RtpProfile = "RTP/AVP" | "RTP/SAVP";

export function rtpProfileOf(media: MediaDescription): RtpProfile | undefined {
  const p = media.proto.toUpperCase();
  return p === "RTP/AVP" || p === "RTP/SAVP" ? p : undefined;
}

/** An audio section the peer did not reject (RFC 3264 §6: port 0 rejects a stream). */
export function isLiveAudio(media: MediaDescription): boolean {
  return media.media.toLowerCase() === "audio" && media.port !== 0;
}

export interface ChosenCodec {
  readonly spec: CodecSpec;
  readonly payloadType: number;
}

/**
 * The first payload type, in the section's own order, that is one of our codecs and that the
 * allowlist permits. `fallback` supplies an rtpmap the section itself lacks (an answer may
 * rely on the offer's mapping).
 */
export function chooseCodec(
  media: MediaDescription,
  allow: readonly CodecName[] | undefined,
  fallback?: MediaDescription,
): ChosenCodec | undefined {
  for (const pt of payloadTypesOf(media)) {
    const rtpmap = rtpmapFor(media, pt) ?? (fallback === undefined ? undefined : rtpmapFor(fallback, pt));
    const spec = identifyCodec(pt, rtpmap);
    if (spec !== undefined && codecAllowed(spec.name, allow)) return { spec, payloadType: pt };
  }
  return undefined;
}

export interface ChosenTelephoneEvent {
  readonly payloadType: number;
  readonly clockRate: number;
}

/** A telephone-event format, any number and rate, preferring the codec's clock (RFC 4733 §2.1). */
export function chooseTelephoneEvent(
  media: MediaDescription,
  clockRate: number,
  fallback?: MediaDescription,
): ChosenTelephoneEvent | undefined {
  let first: ChosenTelephoneEvent | undefined;
  for (const pt of payloadTypesOf(media)) {
    const rtpmap = rtpmapFor(media, pt) ?? (fallback === undefined ? undefined : rtpmapFor(fallback, pt));
    if (rtpmap === undefined || !isTelephoneEvent(rtpmap)) continue;
    if (rtpmap.clockRate === clockRate) return { payloadType: pt, clockRate };
    first ??= { payloadType: pt, clockRate: rtpmap.clockRate };
  }
  return first;
}

export interface RemoteStream {
  /** Address without TTL suffix; undefined when the description has no c= for the stream. */
  readonly address: string | undefined;
  readonly port: number;
  /** The remote's direction with a hold address folded in (it cannot receive at 0.0.0.0). */
  readonly direction: Direction;
  /** The remote does not want our media: sendonly, inactive or c=0.0.0.0 (sip.md §7). */
  readonly hold: boolean;
  /**
   * Why `address` cannot be sent to, when it cannot: RFC 8866 §5.7 allows an FQDN or a literal of
   * the wrong family there, and the media path does no DNS, so such a stream gets 488 instead of
   * a call whose audio goes nowhere until the media timeout.
   */
  readonly addressProblem?: string;
}

function addressProblem(addrType: string, address: string): string | undefined {
  // Brackets belong to URIs (RFC 3986), not to SDP's unicast-address (RFC 8866 §9).
  const ip = address.includes("[") ? undefined : parseIp(address);
  const want = addrType.toUpperCase() === "IP6" ? 6 : 4;
  if (ip === undefined || ip.family !== want)
    return `connection address "${address}" is not an IPv${want} address`;
  return undefined;
}

export function remoteStream(sd: SessionDescription, media: MediaDescription): RemoteStream {
  const c = connectionOf(sd, media);
  const address = c === undefined ? undefined : connectionAddress(c);
  const written = directionOf(sd, media);
  const holdAddress = address !== undefined && isHoldAddress(address);
  // RFC 3264 §8.4: with c=0.0.0.0 the offerer receives nothing, whatever the attribute says.
  const direction = holdAddress ? directionFrom(directionSends(written), false) : written;
  const problem = c === undefined || address === undefined ? undefined : addressProblem(c.addrType, address);
  return {
    address,
    port: media.port,
    direction,
    hold: !directionReceives(direction),
    ...(problem === undefined ? {} : { addressProblem: problem }),
  };
}

/** What an offer/answer exchange settled on for the audio stream, on either side of it. */
export interface AudioAgreement {
  readonly codec: ChosenCodec;
  readonly te: ChosenTelephoneEvent | undefined;
  readonly remote: RemoteStream & { readonly address: string };
  readonly remoteRtcpPort: number;
  readonly direction: Direction;
  readonly crypto: NegotiatedCrypto | undefined;
}

/** The record the media and call layers run with; optional fields are left out, not undefined. */
export function negotiatedMedia(a: AudioAgreement): NegotiatedMedia {
  return {
    codec: a.codec.spec.name,
    payloadType: a.codec.payloadType,
    clockRate: a.codec.spec.clockRate,
    ...(a.te === undefined ? {} : { telephoneEventPt: a.te.payloadType, telephoneEventRate: a.te.clockRate }),
    remoteAddr: a.remote.address,
    remotePort: a.remote.port,
    remoteRtcpPort: a.remoteRtcpPort,
    direction: a.direction,
    remoteHold: a.remote.hold,
    ...(a.crypto === undefined ? {} : { crypto: a.crypto }),
  };
}

/** True when the first live audio stream of a (re-)offer puts us on hold (sip.md §7). */
export function isRemoteHold(sd: SessionDescription): boolean {
  const media = sd.media.find(isLiveAudio);
  return media !== undefined && remoteStream(sd, media).hold;
}

/**
 * What a remote re-offer does to its hold state (sip.md §7): "hold" when it starts holding us,
 * "resume" when it stops, undefined when nothing changes (codec or address changes only).
 */
export function remoteHoldChange(
  wasHeld: boolean,
  reoffer: SessionDescription,
): "hold" | "resume" | undefined {
  const held = isRemoteHold(reoffer);
  if (held === wasHeld) return undefined;
  return held ? "hold" : "resume";
}
