/**
 * UAS side of SIP digest authentication (RFC 3261 §22.1, §22.4; RFC 7616; spec sip.md §3 trunk
 * host steps 2–3): build the `WWW-Authenticate` challenge and verify an `Authorization` value
 * against the nonces we issued. Verdicts map to SIP answers: `ok` → proceed, `stale` → 401 with
 * `stale=true`, `forbidden` → 403 (sip.md: no re-challenge).
 */
import { constantTimeEqualString } from "../../lib/bytes.ts";
import { computeResponse, type DigestAlgorithm, parseAlgorithm } from "./digest.ts";
import { parseDigestParams, serializeDigestParams } from "./digest-params.ts";
import type { NonceStore } from "./nonce-store.ts";

/** Realm of every challenge we issue (sip.md §3). */
export const XBRIDGE_REALM = "xbridge";

export interface ChallengeOptions {
  realm?: string;
  algorithm?: DigestAlgorithm;
  /** Set when the previous nonce expired but the credentials were right (RFC 7616 §3.3). */
  stale?: boolean;
}

/** `Digest realm="xbridge", nonce="<hex>", algorithm=MD5, qop="auth"` (sip.md §3 step 3). */
export function buildChallenge(nonce: string, options: ChallengeOptions = {}): string {
  const params = [
    { name: "realm", value: options.realm ?? XBRIDGE_REALM, quoted: true },
    { name: "nonce", value: nonce, quoted: true },
    { name: "algorithm", value: options.algorithm ?? "MD5", quoted: false },
    { name: "qop", value: "auth", quoted: true },
  ];
  if (options.stale === true) params.push({ name: "stale", value: "true", quoted: false });
  return serializeDigestParams(params);
}

export type VerifyResult =
  | { verdict: "ok"; username: string }
  | { verdict: "stale" }
  | { verdict: "forbidden"; reason: string };

export interface VerifyRequest {
  /** The Authorization header value. */
  authorization: string;
  method: string;
  now: number;
  realm?: string;
  /** Password of a known username, `undefined` for strangers. */
  passwordFor: (username: string) => string | undefined;
}

const NC_PATTERN = /^[0-9a-fA-F]{8}$/;

function forbidden(reason: string): VerifyResult {
  return { verdict: "forbidden", reason };
}

/**
 * Verifies credentials (RFC 7616 §3.4, §3.5). The nonce must be ours and younger than its
 * lifetime; its nc must grow (replay protection, RFC 7616 §5.5); the response is compared in
 * constant time. An expired nonce with a correct response yields `stale`.
 */
export function verifyAuthorization(store: NonceStore, req: VerifyRequest): VerifyResult {
  const parsed = parseDigestParams(req.authorization);
  if (!parsed.ok) return forbidden(`malformed Authorization: ${parsed.error.reason}`);
  const p = parsed.value;
  const username = p.get("username");
  const realm = p.get("realm");
  const nonce = p.get("nonce");
  const uri = p.get("uri");
  const response = p.get("response");
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined) {
    return forbidden("Authorization misses username, realm, nonce or uri");
  }
  if (response === undefined) return forbidden("Authorization without response");
  if (realm !== (req.realm ?? XBRIDGE_REALM)) return forbidden("foreign realm");
  const algorithm = parseAlgorithm(p.get("algorithm"));
  if (algorithm === undefined) return forbidden("unsupported algorithm");

  const qopRaw = p.get("qop");
  let qop: "auth" | undefined;
  let ncText: string | undefined;
  let cnonce: string | undefined;
  let nc = 1;
  if (qopRaw !== undefined) {
    // RFC 7616 §3.4: with qop, cnonce and nc are mandatory; we only offer `auth`.
    if (qopRaw.toLowerCase() !== "auth") return forbidden("unsupported qop");
    ncText = p.get("nc");
    cnonce = p.get("cnonce");
    if (ncText === undefined || cnonce === undefined || !NC_PATTERN.test(ncText)) {
      return forbidden("qop=auth without valid nc/cnonce");
    }
    nc = Number.parseInt(ncText, 16);
    if (nc === 0) return forbidden("nc must start at 1");
    qop = "auth";
  } else {
    cnonce = p.get("cnonce");
  }

  const state = store.check(nonce, nc, req.now);
  if (state.status === "unknown") return forbidden("nonce not issued by us");
  if (state.status === "replayed") return forbidden("nonce count replayed");

  const password = req.passwordFor(username);
  if (password === undefined) return forbidden("unknown username");
  const expected = computeResponse({
    algorithm,
    username,
    realm,
    password,
    method: req.method,
    uri,
    nonce,
    ...(qop !== undefined ? { qop } : {}),
    ...(ncText !== undefined ? { nc: ncText } : {}),
    ...(cnonce !== undefined ? { cnonce } : {}),
  });
  if (!constantTimeEqualString(expected, response.toLowerCase())) return forbidden("wrong response");
  if (state.status === "expired") return { verdict: "stale" };
  store.consume(nonce, nc);
  return { verdict: "ok", username };
}
