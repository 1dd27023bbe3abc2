/**
 * The digest computation itself (RFC 7616 §3.4.1–§3.4.3, RFC 2617 §3.2.2; algorithms for SIP
 * per RFC 8760): HA1, HA2 and the `response` value. Hashing uses node:crypto, which is
 * deterministic and therefore allowed in this pure core.
 */
import { createHash } from "node:crypto";

/** Algorithms we compute (RFC 7616 §3.2, RFC 8760 §2). `-sess` variants hash the nonces into HA1. */
export type DigestAlgorithm =
  | "MD5"
  | "MD5-sess"
  | "SHA-256"
  | "SHA-256-sess"
  | "SHA-512-256"
  | "SHA-512-256-sess";

const ALGORITHMS: Readonly<Record<string, DigestAlgorithm>> = {
  md5: "MD5",
  "md5-sess": "MD5-sess",
  "sha-256": "SHA-256",
  "sha-256-sess": "SHA-256-sess",
  "sha-512-256": "SHA-512-256",
  "sha-512-256-sess": "SHA-512-256-sess",
};

/** Algorithm token → canonical name; `undefined` when unsupported. Absent means MD5 (RFC 7616 §3.3). */
export function parseAlgorithm(token: string | undefined): DigestAlgorithm | undefined {
  if (token === undefined) return "MD5";
  return ALGORITHMS[token.toLowerCase()];
}

function hashName(algorithm: DigestAlgorithm): string {
  if (algorithm.startsWith("SHA-512-256")) return "sha512-256";
  if (algorithm.startsWith("SHA-256")) return "sha256";
  return "md5";
}

/** Lowercase hex digest of `data` (RFC 7616 §3.4: H() is hex-encoded, lowercase). */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  return createHash(hashName(algorithm)).update(data, "utf8").digest("hex");
}

export interface DigestInputs {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  /** The `uri` parameter (digest-uri), exactly as sent. */
  uri: string;
  nonce: string;
  /** Present together with `nc` and `cnonce` when `qop=auth` was chosen. */
  qop?: "auth";
  nc?: string;
  cnonce?: string;
}

/** HA1 (RFC 7616 §3.4.2): H(user:realm:pass), and for `-sess` H(that:nonce:cnonce). */
export function computeHa1(i: DigestInputs): string {
  const base = digestHash(i.algorithm, `${i.username}:${i.realm}:${i.password}`);
  if (!i.algorithm.endsWith("-sess")) return base;
  return digestHash(i.algorithm, `${base}:${i.nonce}:${i.cnonce ?? ""}`);
}

/**
 * The `response` value. With qop (RFC 7616 §3.4.1): H(HA1:nonce:nc:cnonce:qop:HA2); without
 * (RFC 2069 compatibility, RFC 2617 §3.2.2.1): H(HA1:nonce:HA2). HA2 = H(method:uri) for
 * `qop=auth` (RFC 7616 §3.4.3); `auth-int` is not offered by us.
 */
export function computeResponse(i: DigestInputs): string {
  const ha1 = computeHa1(i);
  const ha2 = digestHash(i.algorithm, `${i.method}:${i.uri}`);
  if (i.qop === "auth") {
    return digestHash(i.algorithm, `${ha1}:${i.nonce}:${i.nc ?? ""}:${i.cnonce ?? ""}:auth:${ha2}`);
  }
  return digestHash(i.algorithm, `${ha1}:${i.nonce}:${ha2}`);
}
