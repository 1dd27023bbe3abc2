/**
 * Header parameters: `;name=value;flag` after a Via sent-by or a name-addr (RFC 3261 §25.1
 * generic-param = token [ EQUAL gen-value ], gen-value = token / host / quoted-string). Names are
 * lowercased (§7.3.1: parameter names are case-insensitive); values are kept as written, quotes
 * included, so that serialization reproduces them.
 */
import { ok, parseError, type Result } from "../../lib/result.ts";
import { isToken, isTokenChar, skipQuoted, splitTopLevel, trimLws } from "./text.ts";
import type { Params } from "./types.ts";

function isGenValue(v: string): boolean {
  if (v.startsWith('"')) return skipQuoted(v, 0) === v.length;
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // host adds ":" "[" "]" to the token set (IPv6 references, RFC 5118 §4).
    if (!isTokenChar(c) && c !== 0x3a && c !== 0x5b && c !== 0x5d) return false;
  }
  return true;
}

/**
 * Parses `;a=b;c` (leading whitespace allowed; the text must start with `;` unless empty).
 * SEMI and EQUAL may carry LWS around them (§25.1 SEMI = SWS ";" SWS, EQUAL = SWS "=" SWS).
 */
export function parseParams(text: string, baseOffset = 0): Result<Params> {
  const params: Params = new Map();
  const s = trimLws(text);
  if (s.length === 0) return ok(params);
  if (s[0] !== ";")
    return parseError(`expected ";" before parameters, got ${JSON.stringify(s[0])}`, baseOffset);
  const parts = splitTopLevel(s.slice(1), ";");
  if (parts === undefined) return parseError("unterminated quoted string in parameters", baseOffset);
  for (const part of parts) {
    const eq = part.indexOf("=");
    const name = trimLws(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    if (!isToken(name)) return parseError(`bad parameter name ${JSON.stringify(name)}`, baseOffset);
    if (eq < 0) {
      if (!params.has(name)) params.set(name, null);
      continue;
    }
    const value = trimLws(part.slice(eq + 1));
    if (!isGenValue(value)) return parseError(`bad value for parameter ${name}`, baseOffset);
    if (!params.has(name)) params.set(name, value);
  }
  return ok(params);
}

/** `;name=value;flag` in insertion order (empty string when there are none). */
export function serializeParams(params: Params): string {
  let out = "";
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}
