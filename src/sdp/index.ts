/**
 * Public surface of the SDP module (RFC 8866 parse/serialize, RFC 3264 offer/answer) for the
 * call layer; see the files named here for the rules each implements.
 */
export { type Answer, type AnswerOptions, answerOffer, type NegotiationFailure } from "./answer.ts";
export { isRemoteHold, remoteHoldChange } from "./audio-stream.ts";
export {
  buildOffer,
  freshOrigin,
  type LocalOrigin,
  type OfferedCrypto,
  type OfferOptions,
  sequenceLocalDescription,
} from "./offer.ts";
export { parseSdp } from "./parse.ts";
export { type ReadAnswerOptions, readAnswer } from "./read-answer.ts";
export { serializeSdp } from "./serialize.ts";
export type * from "./types.ts";
