/**
 * Reading the answer to one of our offers (RFC 3264 §7): the codec, payload types, remote
 * address and direction the answerer chose, and the SRTP keys when we offered RTP/SAVP
 * (RFC 4568 §7.1.3: the answer's crypto line must carry a tag and suite we offered).
 */
import { err, ok, type Result } from "../lib/result.ts";
import { DEFAULT_SRTP_SUITES } from "./answer.ts";
import { agreedDirection, cryptosOf, directionOf, inlineKeyOf, rtcpPortOf } from "./attributes.ts";
import {
  chooseCodec,
  chooseTelephoneEvent,
  isLiveAudio,
  negotiatedMedia,
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
  if (remote.addressProblem !== undefined) return err(remote.addressProblem);
  let crypto: NegotiatedCrypto | undefined;
  if (profile === "RTP/SAVP") {
    const c = matchCrypto(offered, m);
    if (!c.ok) return c;
    crypto = c.value;
  }
  return ok(
    negotiatedMedia({
      codec,
      te: chooseTelephoneEvent(m, codec.spec.clockRate, offered),
      remote: { ...remote, address: remote.address },
      remoteRtcpPort: rtcpPortOf(m),
      // Ours is what we offered, less what the answerer's mirror image refuses (RFC 3264 §6.1).
      direction: agreedDirection(directionOf(offer, offered), remote.direction),
      crypto,
    }),
  );
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
