/**
 * Reading the answer to one of our offers (RFC 3264 §7): the codec, payload types, remote
 * address and direction the answerer chose, and the SRTP keys when we offered RTP/SAVP
 * (RFC 4568 §7.1.3: the answer's crypto line must carry a tag and suite we offered).
 */
import { err, ok, type Result } from "../lib/result.ts";
import { DEFAULT_SRTP_SUITES } from "./answer.ts";
import {
  cryptosOf,
  directionFrom,
  directionOf,
  directionReceives,
  directionSends,
  inlineKeyOf,
  reverseDirection,
  rtcpPortOf,
} from "./attributes.ts";
import {
  chooseCodec,
  chooseTelephoneEvent,
  isLiveAudio,
  remoteStream,
  rtpProfileOf,
} from "./audio-stream.ts";
import type {
  CodecName,
  MediaDescription,
  NegotiatedCrypto,
  NegotiatedMedia,
  SessionDescription,
} from "./types.ts";

export interface ReadAnswerOptions {
  /** Codec allowlist the offer was built with; an answer outside it is refused. */
  readonly allow?: readonly CodecName[];
}

/** Reads `answer` against `offer` (ours). Fails with a reason fit for a BYE/CANCEL log line. */
export function readAnswer(
  offer: SessionDescription,
  answer: SessionDescription,
  opts: ReadAnswerOptions = {},
): Result<NegotiatedMedia, string> {
  const index = answer.media.findIndex(isLiveAudio);
  if (index < 0) return err("the answer rejected or lacks the audio stream");
  const m = answer.media[index]!;
  // RFC 3264 §6: the answer has the offer's m= lines in the same order.
  const offered = offer.media[index];
  if (offered === undefined) return err("the answer has more m= lines than the offer");
  const profile = rtpProfileOf(m);
  if (profile === undefined || profile !== rtpProfileOf(offered))
    return err(`the answer changed the transport to ${m.proto}`);
  const codec = chooseCodec(m, opts.allow, offered);
  if (codec === undefined) return err("the answer names no codec we run");
  const remote = remoteStream(answer, m);
  if (remote.address === undefined) return err("the answer has no connection address");
  let crypto: NegotiatedCrypto | undefined;
  if (profile === "RTP/SAVP") {
    const c = matchCrypto(offered, m);
    if (!c.ok) return c;
    crypto = c.value;
  }
  // Ours is what we offered, less what the answerer's mirror image refuses (RFC 3264 §6.1).
  const offeredDirection = directionOf(offer, offered);
  const allowed = reverseDirection(remote.direction);
  const direction = directionFrom(
    directionSends(offeredDirection) && directionSends(allowed),
    directionReceives(offeredDirection) && directionReceives(allowed),
  );
  const te = chooseTelephoneEvent(m, codec.spec.clockRate, offered);
  return ok({
    codec: codec.spec.name,
    payloadType: codec.payloadType,
    clockRate: codec.spec.clockRate,
    ...(te === undefined ? {} : { telephoneEventPt: te.payloadType, telephoneEventRate: te.clockRate }),
    remoteAddr: remote.address,
    remotePort: remote.port,
    remoteRtcpPort: rtcpPortOf(m),
    direction,
    remoteHold: remote.hold,
    ...(crypto === undefined ? {} : { crypto }),
  });
}

function matchCrypto(
  offered: MediaDescription,
  answered: MediaDescription,
): Result<NegotiatedCrypto, string> {
  const ours = cryptosOf(offered);
  for (const a of cryptosOf(answered)) {
    const mine = ours.find((o) => o.tag === a.tag && o.suite.toUpperCase() === a.suite.toUpperCase());
    const suite = DEFAULT_SRTP_SUITES.find((s) => s === a.suite.toUpperCase());
    const remoteKey = inlineKeyOf(a.keyParams);
    const localKey = mine === undefined ? undefined : inlineKeyOf(mine.keyParams);
    if (suite === undefined || remoteKey === undefined || localKey === undefined) continue;
    return ok({ tag: a.tag, suite, remoteKey, localKey });
  }
  return err("the answer has no crypto line matching our offer");
}
