/**
 * Public surface of SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 8760).
 */
export {
  computeHa1,
  computeResponse,
  type DigestAlgorithm,
  type DigestInputs,
  digestHash,
  parseAlgorithm,
} from "./digest.ts";
export {
  type AuthorizeRequest,
  buildAuthorization,
  type DigestChallenge,
  type DigestCredentials,
  formatNc,
  parseChallenge,
} from "./digest-client.ts";
export { type DigestParams, parseDigestParams, serializeDigestParams } from "./digest-params.ts";
export {
  buildChallenge,
  type ChallengeOptions,
  type VerifyRequest,
  type VerifyResult,
  verifyAuthorization,
  XBRIDGE_REALM,
} from "./digest-server.ts";
export { NONCE_LIFETIME_MS, type NonceCheck, NonceStore, type NonceStoreOptions } from "./nonce-store.ts";
