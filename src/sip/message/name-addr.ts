/**
 * name-addr / addr-spec with header parameters, as used by From, To, Contact, Route,
 * Record-Route, Refer-To… (RFC 3261 §20.10, §25.1). Serialization always uses the bracketed
 * name-addr form, which is valid wherever either form is (§20.10).
 */
import { ok, parseError, type Result } from "../../lib/result.ts";
import { parseParams, serializeParams } from "./params.ts";
import { indexOutsideQuotes, isToken, quote, skipQuoted, trimLws, unquote } from "./text.ts";
import type { NameAddr } from "./types.ts";
import { parseUri, serializeUri } from "./uri.ts";

/** The pieces of a name-addr before the URI and parameters are interpreted. */
interface NameAddrParts {
  displayName?: string;
  uriText: string;
  /** Offset of the URI text in the trimmed input. */
  uriAt: number;
  paramsText: string;
  paramsAt: number;
}

function splitNameAddr(input: string): Result<NameAddrParts> {
  const s = trimLws(input);
  let displayName: string | undefined;
  let lt: number;
  if (s.startsWith('"')) {
    const end = skipQuoted(s, 0);
    if (end < 0) return parseError("unterminated quoted display-name", 0);
    displayName = unquote(s.slice(0, end));
    lt = end;
    while (lt < s.length && (s[lt] === " " || s[lt] === "\t")) lt++;
    if (s[lt] !== "<") return parseError('expected "<" after quoted display-name', lt);
  } else {
    lt = indexOutsideQuotes(s, "<");
    if (lt > 0) {
      // §25.1 display-name = *(token LWS) / quoted-string: unquoted names are tokens only.
      const words = trimLws(s.slice(0, lt)).split(/[ \t]+/);
      if (!words.every(isToken)) return parseError("display-name is neither tokens nor a quoted-string", 0);
      displayName = words.join(" ");
    }
  }
  if (lt >= 0) {
    const gt = s.indexOf(">", lt);
    if (gt < 0) return parseError('missing ">" after name-addr URI', lt);
    const uriText = s.slice(lt + 1, gt);
    // §25.1 LAQUOT = SWS "<" and RAQUOT = ">" SWS: no whitespace inside the brackets.
    if (trimLws(uriText) !== uriText) return parseError("whitespace inside <>", lt + 1);
    const parts: NameAddrParts = { uriText, uriAt: lt + 1, paramsText: s.slice(gt + 1), paramsAt: gt + 1 };
    if (displayName !== undefined) parts.displayName = displayName;
    return ok(parts);
  }
  // addr-spec: §20.10 "any semicolon-delimited parameters are header-parameters, not URI
  // parameters", and a URI holding "," "?" or ";" must be enclosed in <>.
  const semi = s.indexOf(";");
  const uriText = (semi < 0 ? s : s.slice(0, semi)).trimEnd();
  if (/[,?]/.test(uriText)) return parseError('addr-spec containing "," or "?" must be enclosed in <>', 0);
  return ok({ uriText, uriAt: 0, paramsText: semi < 0 ? "" : s.slice(semi), paramsAt: Math.max(semi, 0) });
}

/** A name-addr whose URI is `sip:`, `sips:` or `tel:`; other schemes are an error value. */
export function parseNameAddr(input: string): Result<NameAddr> {
  const parts = splitNameAddr(input);
  if (!parts.ok) return parts;
  const { displayName, uriText, uriAt, paramsText, paramsAt } = parts.value;
  const uri = parseUri(uriText);
  if (!uri.ok) return parseError(uri.error.reason, uriAt);
  const params = parseParams(paramsText, paramsAt);
  if (!params.ok) return params;
  const na: NameAddr = { uri: uri.value, params: params.value };
  if (displayName !== undefined) na.displayName = displayName;
  return ok(na);
}

// RFC 3986 §3.1 scheme, then at least one non-space character (§25.1 absoluteURI).
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]+$/;

/**
 * Syntax check that also accepts URIs of schemes we do not interpret (RFC 4475 §3.3.4 unksm2:
 * `To: isbn:2983792873` is well-formed and must not make the message unparseable).
 */
export function checkNameAddr(input: string): string | undefined {
  const parts = splitNameAddr(input);
  if (!parts.ok) return parts.error.reason;
  const { uriText, paramsText } = parts.value;
  if (/^(sips?|tel):/i.test(uriText)) {
    const uri = parseUri(uriText);
    if (!uri.ok) return uri.error.reason;
  } else if (!ABSOLUTE_URI.test(uriText)) return `bad URI ${JSON.stringify(uriText)}`;
  const params = parseParams(paramsText);
  return params.ok ? undefined : params.error.reason;
}

export function serializeNameAddr(n: NameAddr): string {
  const display = n.displayName !== undefined && n.displayName !== "" ? `${quote(n.displayName)} ` : "";
  return `${display}<${serializeUri(n.uri)}>${serializeParams(n.params)}`;
}
