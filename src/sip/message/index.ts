/**
 * Public surface of the SIP message layer (RFC 3261 §7, §19, §20, §25; RFC 3581; RFC 5118).
 * Other modules import from here only.
 */

export { type CheckRequestOptions, checkRequest, type RequestProblem } from "./check-request.ts";
export { createRequest, createResponse, type RequestOptions, type ResponseOptions } from "./create.ts";
export { MAX_CSEQ, parseCSeq, serializeCSeq } from "./cseq.ts";
export {
  addHeader,
  canonicalName,
  getCSeq,
  getHeader,
  getHeaders,
  getNameAddr,
  getTag,
  hasHeader,
  removeHeader,
  setHeader,
  topVia,
  withTopVia,
} from "./headers.ts";
export { checkNameAddr, parseNameAddr, serializeNameAddr } from "./name-addr.ts";
export { parseParams, serializeParams } from "./params.ts";
export { parseMessage } from "./parse.ts";
export { reasonPhrase } from "./reason-phrases.ts";
export { serializeHead, serializeMessage } from "./serialize.ts";
export * from "./sipfrag.ts";
export * from "./types.ts";
export { parseHostPort, parseUri, serializeUri } from "./uri.ts";
export { parseVia, serializeVia } from "./via.ts";
