/**
 * Parses and serializes the `Digest` auth-param list carried by WWW-Authenticate,
 * Proxy-Authenticate, Authorization and Proxy-Authorization (RFC 3261 §25.1 `challenge` /
 * `credentials`, RFC 7616 §3.3–§3.4, RFC 7235 §2.1 auth-param). Remote input: never throws,
 * bounded in size and parameter count.
 */
import { ok, type ParseError, parseError, type Result } from "../../lib/result.ts";

/** Longest header value we look at; real challenges are a few hundred bytes. */
const MAX_DIGEST_HEADER_LENGTH = 4096;
const MAX_PARAMS = 32;

/** Lowercased parameter name → unquoted value. */
export type DigestParams = Map<string, string>;

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

function isWs(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

/**
 * Splits `Digest realm="x", nonce="y", qop="auth"` into its parameters. The scheme must be
 * `Digest` (case-insensitive, RFC 3261 §22.4); duplicate parameters are rejected because a
 * verifier must not guess which one the sender meant.
 */
export function parseDigestParams(value: string): Result<DigestParams, ParseError> {
  if (value.length > MAX_DIGEST_HEADER_LENGTH) return parseError("digest header too long");
  let i = 0;
  while (isWs(value[i])) i++;
  const schemeStart = i;
  while (i < value.length && TOKEN_CHAR.test(value[i]!)) i++;
  if (value.slice(schemeStart, i).toLowerCase() !== "digest")
    return parseError("scheme is not Digest", schemeStart);
  if (!isWs(value[i])) return parseError("missing parameters after scheme", i);
  const params: DigestParams = new Map();
  for (;;) {
    while (isWs(value[i]) || value[i] === ",") i++;
    if (i >= value.length) break;
    const nameStart = i;
    while (i < value.length && TOKEN_CHAR.test(value[i]!)) i++;
    if (i === nameStart) return parseError("expected parameter name", i);
    const name = value.slice(nameStart, i).toLowerCase();
    while (isWs(value[i])) i++;
    if (value[i] !== "=") return parseError(`expected '=' after ${name}`, i);
    i++;
    while (isWs(value[i])) i++;
    let v: string;
    if (value[i] === '"') {
      // quoted-string with quoted-pair escapes (RFC 3261 §25.1).
      i++;
      let out = "";
      for (;;) {
        if (i >= value.length) return parseError("unterminated quoted string", i);
        const c = value[i]!;
        if (c === '"') {
          i++;
          break;
        }
        if (c === "\\") {
          if (i + 1 >= value.length) return parseError("dangling escape", i);
          out += value[i + 1];
          i += 2;
          continue;
        }
        out += c;
        i++;
      }
      v = out;
    } else {
      const vStart = i;
      while (i < value.length && TOKEN_CHAR.test(value[i]!)) i++;
      if (i === vStart) return parseError(`empty value for ${name}`, i);
      v = value.slice(vStart, i);
    }
    if (params.has(name)) return parseError(`duplicate parameter ${name}`, nameStart);
    if (params.size >= MAX_PARAMS) return parseError("too many parameters", nameStart);
    params.set(name, v);
    while (isWs(value[i])) i++;
    if (i < value.length && value[i] !== ",") return parseError("expected ',' between parameters", i);
  }
  if (params.size === 0) return parseError("no parameters");
  return ok(params);
}

/** One parameter to serialize; `quoted: false` for tokens such as `algorithm`, `nc`, `qop` in credentials. */
export interface DigestParam {
  name: string;
  value: string;
  quoted: boolean;
}

function quote(v: string): string {
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `Digest a="b", c=d` in the given order. */
export function serializeDigestParams(params: readonly DigestParam[]): string {
  return `Digest ${params.map((p) => `${p.name}=${p.quoted ? quote(p.value) : p.value}`).join(", ")}`;
}
