/**
 * Answering a remote offer (RFC 3264 §6, sip.md §10): accept the first usable audio stream,
 * pick the first codec in the offerer's order that we run and the allowlist permits, echo the
 * offerer's payload type numbers, add telephone-event if offered, mirror the direction, pick
 * an SRTP suite we support (RFC 4568 §7.1.2), and reject every other stream with port 0.
 * When nothing can be accepted the result is a 488 with a reason (sip.md §5).
 */
import { err, ok, type Result } from "../lib/result.ts";
import { agreedDirection, cryptoAttributeValue, cryptosOf, inlineKeyOf, rtcpPortOf } from "./attributes.ts";
import {
  type AudioAgreement,
  chooseCodec,
  chooseTelephoneEvent,
  isLiveAudio,
  negotiatedMedia,
  remoteStream,
  rtpProfileOf,
} from "./audio-stream.ts";
import { TELEPHONE_EVENT } from "./codecs.ts";
import { type LocalMediaOptions, localSession, PTIME_MS } from "./offer.ts";
import type {
  Attribute,
  MediaDescription,
  NegotiatedCrypto,
  NegotiatedMedia,
  SessionDescription,
  SrtpSuite,
} from "./types.ts";

export interface AnswerOptions extends LocalMediaOptions {
  /** base64 master key || salt to answer an RTP/SAVP offer with; without it SRTP offers get 488. */
  readonly srtpKey?: string;
  /** Suites we accept, in no particular order (RFC 4568 §7.1.2: the offerer's order decides). */
  readonly srtpSuites?: readonly SrtpSuite[];
}

/** Why an offer cannot be answered; the SIP layer sends `488 Not Acceptable Here` (sip.md §5). */
export interface NegotiationFailure {
  readonly status: 488;
  readonly reason: string;
}

export interface Answer {
  readonly sdp: SessionDescription;
  readonly media: NegotiatedMedia;
}

/** Every SDES suite the SRTP layer implements: what we may offer and recognise in an answer. */
export const DEFAULT_SRTP_SUITES: readonly SrtpSuite[] = [
  "AES_CM_128_HMAC_SHA1_80",
  "AES_CM_128_HMAC_SHA1_32",
];

/**
 * Suites accepted when answering an offer: sip.md §10 takes an inbound RTP/SAVP offer exactly
 * when it carries AES_CM_128_HMAC_SHA1_80; any other suite alone gets 488.
 */
export const ANSWER_SRTP_SUITES: readonly SrtpSuite[] = ["AES_CM_128_HMAC_SHA1_80"];

const NO_AUDIO = "no audio stream";

interface Accepted extends AudioAgreement {
  readonly index: number;
}

export function answerOffer(
  offer: SessionDescription,
  opts: AnswerOptions,
): Result<Answer, NegotiationFailure> {
  let firstFailure: string | undefined;
  let accepted: Accepted | undefined;
  for (let i = 0; i < offer.media.length && accepted === undefined; i++) {
    const r = acceptStream(offer, i, opts);
    if (r.ok) accepted = r.value;
    // An audio stream's own reason says more than "no audio stream" from a video line.
    else if (firstFailure === undefined || firstFailure === NO_AUDIO) firstFailure = r.error;
  }
  if (accepted === undefined) return err({ status: 488, reason: firstFailure ?? NO_AUDIO });
  // A const, so the narrowing survives into the callback below.
  const a = accepted;
  const media = offer.media.map((m, i) => (i === a.index ? answerMedia(m, a, opts.port) : rejectMedia(m)));
  return ok({ sdp: localSession(opts, media), media: negotiatedMedia(a) });
}

function acceptStream(
  offer: SessionDescription,
  index: number,
  opts: AnswerOptions,
): Result<Accepted, string> {
  const m = offer.media[index]!;
  if (!isLiveAudio(m)) return err(NO_AUDIO);
  const profile = rtpProfileOf(m);
  if (profile === undefined) return err(`unsupported transport ${m.proto}`);
  const codec = chooseCodec(m, opts.allow);
  if (codec === undefined) return err("no common codec");
  const remote = remoteStream(offer, m);
  if (remote.address === undefined) return err("no connection address for the audio stream");
  if (remote.addressProblem !== undefined) return err(remote.addressProblem);
  let crypto: NegotiatedCrypto | undefined;
  if (profile === "RTP/SAVP") {
    const c = chooseCrypto(m, opts);
    if (!c.ok) return c;
    crypto = c.value;
  }
  return ok({
    index,
    codec,
    te: chooseTelephoneEvent(m, codec.spec.clockRate),
    remote: { ...remote, address: remote.address },
    remoteRtcpPort: rtcpPortOf(m),
    // RFC 3264 §6.1: mirror the offer, then drop what we do not want ourselves (hold).
    direction: agreedDirection(opts.direction ?? "sendrecv", remote.direction),
    crypto,
  });
}

/** RFC 4568 §7.1.2: take the first offered crypto line whose suite we support. */
function chooseCrypto(m: MediaDescription, opts: AnswerOptions): Result<NegotiatedCrypto, string> {
  const suites = opts.srtpSuites ?? ANSWER_SRTP_SUITES;
  let reason = "unsupported crypto suite";
  for (const c of cryptosOf(m)) {
    const suite = suites.find((s) => s === c.suite.toUpperCase());
    if (suite === undefined) continue;
    const remoteKey = inlineKeyOf(c.keyParams);
    if (remoteKey === undefined) {
      reason = "no crypto line with a 30-octet inline key";
      continue;
    }
    if (opts.srtpKey === undefined) return err("SRTP offered but no local SRTP key");
    return ok({ tag: c.tag, suite, remoteKey, localKey: opts.srtpKey });
  }
  return err(reason);
}

function answerMedia(offered: MediaDescription, a: Accepted, port: number): MediaDescription {
  const { spec, payloadType } = a.codec;
  const formats = [`${payloadType}`];
  const channels = spec.channels === undefined ? "" : `/${spec.channels}`;
  const attributes: Attribute[] = [
    { name: "rtpmap", value: `${payloadType} ${spec.encodingName}/${spec.clockRate}${channels}` },
  ];
  if (spec.fmtp !== undefined) attributes.push({ name: "fmtp", value: `${payloadType} ${spec.fmtp}` });
  if (a.te !== undefined) {
    formats.push(`${a.te.payloadType}`);
    attributes.push({
      name: "rtpmap",
      value: `${a.te.payloadType} ${TELEPHONE_EVENT.encodingName}/${a.te.clockRate}`,
    });
    attributes.push({ name: "fmtp", value: `${a.te.payloadType} ${TELEPHONE_EVENT.fmtp}` });
  }
  attributes.push({ name: "ptime", value: `${PTIME_MS}` });
  if (a.crypto !== undefined) {
    // RFC 4568 §7.1.2: the answer repeats the accepted tag and suite with our own key.
    const value = cryptoAttributeValue({
      tag: a.crypto.tag,
      suite: a.crypto.suite,
      keyParams: `inline:${a.crypto.localKey}`,
      sessionParams: [],
    });
    attributes.push({ name: "crypto", value });
  }
  attributes.push({ name: a.direction });
  return {
    media: offered.media,
    port,
    proto: offered.proto,
    formats,
    connections: [],
    bandwidths: [],
    attributes,
    unknown: [],
  };
}

/** RFC 3264 §6: a rejected stream keeps its m= line with port 0 and at least one format. */
function rejectMedia(offered: MediaDescription): MediaDescription {
  return {
    media: offered.media,
    port: 0,
    proto: offered.proto,
    formats: offered.formats.length === 0 ? ["0"] : offered.formats,
    connections: [],
    bandwidths: [],
    attributes: [],
    unknown: [],
  };
}
