/**
 * Character-level helpers for SIP header text (RFC 3261 §25.1 basic rules): token checks,
 * quoted strings, LWS, and splitting a value on a separator that is outside quotes and `<>`.
 * Nothing here throws; callers get `undefined` or an index of -1 for malformed input.
 */

/** RFC 3261 §25.1 `token` characters: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~". */
const TOKEN_CHARS = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") {
  TOKEN_CHARS[c.charCodeAt(0)] = 1;
}

export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHARS[code] === 1;
}

/** True when `s` is a non-empty RFC 3261 `token`. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** SP or HTAB (RFC 3261 §25.1 WSP); CR/LF never survive unfolding. */
export function isWsp(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Strips SP/HTAB only. `String#trim` would also eat U+FEFF and other Unicode spaces that are
 * legitimate UTF-8 content of a header value (RFC 4475 §3.1.1.2 intmeth).
 */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWsp(s.charCodeAt(a))) a++;
  while (b > a && isWsp(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export function hasWhitespace(s: string): boolean {
  return /[\s]/.test(s);
}

/**
 * Index just past the closing quote of the quoted-string opening at `start` (RFC 3261 §25.1:
 * quoted-pair = "\" followed by any char except CR/LF), or -1 when it is unterminated.
 */
export function skipQuoted(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

/** The content of a quoted-string with quoted-pairs resolved; `q` must include both quotes. */
export function unquote(q: string): string {
  let out = "";
  for (let i = 1; i < q.length - 1; i++) {
    const ch = q[i]!;
    if (ch === "\\" && i + 1 < q.length - 1) {
      out += q[i + 1];
      i++;
    } else out += ch;
  }
  return out;
}

/** Wraps `s` as a quoted-string, escaping `"` and `\` (RFC 3261 §25.1 quoted-pair). */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}

/**
 * Splits `s` on `sep` where it is outside quoted strings and `<…>` (RFC 3261 §7.3.1: a
 * comma-separated list is equivalent to repeated header lines). Pieces are trimmed; empty pieces
 * are kept so that callers can reject `a,,b`. Returns undefined on an unterminated quote.
 */
export function splitTopLevel(s: string, sep: string): string[] | undefined {
  const out: string[] = [];
  const sepCode = sep.charCodeAt(0);
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      const end = skipQuoted(s, i);
      if (end < 0) return undefined;
      i = end - 1;
    } else if (c === 0x3c) depth++;
    else if (c === 0x3e && depth > 0) depth--;
    else if (c === sepCode && depth === 0) {
      out.push(trimLws(s.slice(from, i)));
      from = i + 1;
    }
  }
  out.push(trimLws(s.slice(from)));
  return out;
}

/** Index of the first `ch` outside quoted strings at or after `from`, or -1. */
export function indexOutsideQuotes(s: string, ch: string, from = 0): number {
  const code = ch.charCodeAt(0);
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      const end = skipQuoted(s, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === code) return i;
  }
  return -1;
}

/** Parses `1*DIGIT` as a non-negative integer no larger than `max`; undefined otherwise. */
export function parseBoundedInt(s: string, max: number): number | undefined {
  if (s.length === 0 || !/^[0-9]+$/.test(s)) return undefined;
  const digits = s.replace(/^0+(?=\d)/, "");
  if (digits.length > 16) return undefined;
  const n = Number(digits);
  return n <= max ? n : undefined;
}
