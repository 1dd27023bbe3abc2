/**
 * UAC side of SIP digest authentication (RFC 3261 §22.2–§22.3, RFC 7616 §3.3–§3.4): read a
 * WWW-Authenticate / Proxy-Authenticate challenge and build the matching Authorization /
 * Proxy-Authorization value. Pure: the cnonce comes from an injected Random.
 */
import { type Random, randomHex } from "../../lib/random.ts";
import { ok, type ParseError, parseError, type Result } from "../../lib/result.ts";
import { computeResponse, type DigestAlgorithm, parseAlgorithm } from "./digest.ts";
import { type DigestParam, parseDigestParams, serializeDigestParams } from "./digest-params.ts";

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  /** qop options offered (RFC 7616 §3.3: comma-separated list inside the quotes). */
  qop: string[];
  /** `stale=true`: the nonce expired but the credentials were right (RFC 7616 §3.3). */
  stale: boolean;
}

/** Parses a challenge header value. Unsupported algorithms and missing realm/nonce are errors. */
export function parseChallenge(value: string): Result<DigestChallenge, ParseError> {
  const parsed = parseDigestParams(value);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const realm = p.get("realm");
  const nonce = p.get("nonce");
  if (realm === undefined) return parseError("challenge without realm");
  if (nonce === undefined) return parseError("challenge without nonce");
  const algorithm = parseAlgorithm(p.get("algorithm"));
  if (algorithm === undefined) return parseError(`unsupported algorithm ${p.get("algorithm")}`);
  const qop = (p.get("qop") ?? "")
    .split(",")
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q.length > 0);
  const challenge: DigestChallenge = {
    realm,
    nonce,
    algorithm,
    qop,
    stale: (p.get("stale") ?? "").toLowerCase() === "true",
  };
  const opaque = p.get("opaque");
  if (opaque !== undefined) challenge.opaque = opaque;
  return ok(challenge);
}

export interface DigestCredentials {
  username: string;
  password: string;
}

export interface AuthorizeRequest {
  method: string;
  /** Request-URI of the request being authorized (RFC 3261 §22.4: digest-uri = Request-URI). */
  uri: string;
  /** Nonce count; 1 for the first use of this nonce (RFC 7616 §3.4). */
  nc?: number;
  /** Fixed cnonce (tests); otherwise 16 random bytes in hex. */
  cnonce?: string;
}

/** `nc` is 8 lowercase hex digits (RFC 7616 §3.4). */
export function formatNc(nc: number): string {
  return (nc >>> 0).toString(16).padStart(8, "0");
}

/**
 * Builds the Authorization / Proxy-Authorization value answering `challenge`. Uses `qop=auth`
 * when the server offers it (RFC 7616 §3.4: the client picks one offered qop), otherwise the
 * RFC 2069 form without cnonce/nc. `opaque` is returned unchanged (RFC 7616 §3.4).
 */
export function buildAuthorization(
  challenge: DigestChallenge,
  credentials: DigestCredentials,
  request: AuthorizeRequest,
  random: Random,
): string {
  const useQop = challenge.qop.includes("auth");
  const needsCnonce = useQop || challenge.algorithm.endsWith("-sess");
  const cnonce = needsCnonce ? (request.cnonce ?? randomHex(random, 16)) : undefined;
  const nc = useQop ? formatNc(request.nc ?? 1) : undefined;
  const response = computeResponse({
    algorithm: challenge.algorithm,
    username: credentials.username,
    realm: challenge.realm,
    password: credentials.password,
    method: request.method,
    uri: request.uri,
    nonce: challenge.nonce,
    ...(useQop ? { qop: "auth" as const } : {}),
    ...(nc !== undefined ? { nc } : {}),
    ...(cnonce !== undefined ? { cnonce } : {}),
  });
  const params: DigestParam[] = [
    { name: "username", value: credentials.username, quoted: true },
    { name: "realm", value: challenge.realm, quoted: true },
    { name: "nonce", value: challenge.nonce, quoted: true },
    { name: "uri", value: request.uri, quoted: true },
    { name: "response", value: response, quoted: true },
    { name: "algorithm", value: challenge.algorithm, quoted: false },
  ];
  if (cnonce !== undefined) params.push({ name: "cnonce", value: cnonce, quoted: true });
  if (challenge.opaque !== undefined) params.push({ name: "opaque", value: challenge.opaque, quoted: true });
  if (useQop && nc !== undefined) {
    params.push({ name: "qop", value: "auth", quoted: false }, { name: "nc", value: nc, quoted: false });
  }
  return serializeDigestParams(params);
}
