/**
 * SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966 for `tel:`; RFC 5118 for IPv6
 * references). Escapes are resolved on parse and re-applied on serialize with the character
 * set each component allows, so `sip:%75ser@h` and `sip:user@h` parse to the same value
 * (§19.1.4: escaped and unescaped forms are equivalent).
 */
import { utf8, utf8Decoder } from "../../lib/bytes.ts";
import { ok, parseError, type Result } from "../../lib/result.ts";
import { parseBoundedInt } from "./text.ts";
import type { Params, SipUri } from "./types.ts";

// §25.1 unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")".
const UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()";
/** §25.1 user = 1*( unreserved / escaped / user-unreserved ), user-unreserved = & = + $ , ; ? / */
const USER_SAFE = charSet(`${UNRESERVED}&=+$,;?/`);
/** §25.1 password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
const PASSWORD_SAFE = charSet(`${UNRESERVED}&=+$,`);
/** §25.1 paramchar = param-unreserved / unreserved / escaped; param-unreserved = [ ] / : & + $ */
const PARAM_SAFE = charSet(`${UNRESERVED}[]/:&+$`);
/** §25.1 hname/hvalue chars: hnv-unreserved = [ ] / ? : + $, plus unreserved. */
const HEADER_SAFE = charSet(`${UNRESERVED}[]/?:+$`);

function charSet(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
}

/** Percent-encodes every byte of the UTF-8 form of `s` that `safe` does not allow. */
function percentEncode(s: string, safe: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || safe[c] !== 1) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = "";
  for (const b of utf8(s)) {
    out +=
      b < 128 && safe[b] === 1 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const HEX_DIGIT = /^[0-9a-fA-F]{2}$/;

/** Resolves `%XX` escapes (UTF-8); undefined when an escape is malformed (§25.1 escaped). */
function percentDecode(s: string): string | undefined {
  if (!s.includes("%")) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const hex = s.slice(i + 1, i + 3);
      if (!HEX_DIGIT.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (c < 128) bytes.push(c);
    else for (const b of utf8(s[i]!)) bytes.push(b);
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

// §25.1 hostname / IPv4address; RFC 5118 §4 IPv6reference = "[" IPv6address "]".
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9.])?$/;
const IPV6_REFERENCE = /^\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._~-]+)?\]$/;

/** Validates `host[:port]`; IPv6 references keep their brackets (RFC 5118 §4.1). */
export function parseHostPort(s: string): Result<{ host: string; port?: number }> {
  let host: string;
  let portText: string | undefined;
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close < 0) return parseError("unterminated IPv6 reference");
    host = s.slice(0, close + 1);
    const after = s.slice(close + 1);
    if (after.length > 0) {
      if (after[0] !== ":") return parseError("unexpected text after IPv6 reference");
      portText = after.slice(1);
    }
    if (!IPV6_REFERENCE.test(host) || !host.includes(":")) return parseError(`bad IPv6 reference ${host}`);
  } else {
    const colon = s.indexOf(":");
    host = colon < 0 ? s : s.slice(0, colon);
    if (colon >= 0) portText = s.slice(colon + 1);
    if (!HOSTNAME.test(host)) return parseError(`bad host ${JSON.stringify(host)}`);
  }
  if (portText === undefined) return ok({ host });
  const port = parseBoundedInt(portText, 65535);
  if (port === undefined) return parseError(`bad port ${JSON.stringify(portText)}`);
  return ok({ host, port });
}

function parseUriParams(s: string, params: Params): string | undefined {
  for (const part of s.split(";")) {
    const eq = part.indexOf("=");
    const name = percentDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? null : percentDecode(part.slice(eq + 1));
    if (name === undefined || name.length === 0 || value === undefined || value === "") {
      return `bad URI parameter ${JSON.stringify(part)}`;
    }
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, value);
  }
  return undefined;
}

function parseUriHeaders(s: string, headers: Map<string, string>): string | undefined {
  for (const part of s.split("&")) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? undefined : percentDecode(part.slice(0, eq));
    const value = eq < 0 ? undefined : percentDecode(part.slice(eq + 1));
    if (name === undefined || name.length === 0 || value === undefined)
      return `bad URI header ${JSON.stringify(part)}`;
    headers.set(name, value);
  }
  return undefined;
}

/** Whitespace, controls and `<>"` never appear raw in a URI (§25.1: they must be escaped). */
function hasForbiddenUriChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x3c || c === 0x3e || c === 0x22) return true;
  }
  return false;
}

/** Parses a `sip:`, `sips:` or `tel:` URI; any other scheme is an error value (RFC 3261 §8.2.2.1: 416). */
export function parseUri(s: string): Result<SipUri> {
  if (hasForbiddenUriChar(s)) return parseError('URI contains whitespace, a control or <>" character');
  const colon = s.indexOf(":");
  const scheme = s.slice(0, Math.max(colon, 0)).toLowerCase();
  if (scheme !== "sip" && scheme !== "sips" && scheme !== "tel") {
    return parseError(`unsupported URI scheme ${JSON.stringify(scheme)}`, 0);
  }
  const params: Params = new Map();
  const headers = new Map<string, string>();
  let rest = s.slice(colon + 1);
  if (scheme === "tel") {
    // RFC 3966 §3: telephone-subscriber *par; we keep the number and its parameters.
    const semi = rest.indexOf(";");
    const number = percentDecode(semi < 0 ? rest : rest.slice(0, semi));
    if (!number) return parseError("empty tel: number", colon + 1);
    const problem = semi < 0 ? undefined : parseUriParams(rest.slice(semi + 1), params);
    if (problem) return parseError(problem, colon + 1);
    return ok({ scheme, user: number, host: "", params, headers });
  }
  // §19.1.1: userinfo ends at "@"; the user part may itself hold ";" "?" "/" unescaped, so
  // parameters and headers are only looked for after it.
  const at = rest.indexOf("@");
  let user: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pc = userinfo.indexOf(":");
    user = percentDecode(pc < 0 ? userinfo : userinfo.slice(0, pc));
    if (pc >= 0) password = percentDecode(userinfo.slice(pc + 1));
    if (user === undefined || user.length === 0 || (pc >= 0 && password === undefined)) {
      return parseError("bad userinfo in URI", colon + 1);
    }
    rest = rest.slice(at + 1);
  }
  const q = rest.indexOf("?");
  if (q >= 0) {
    const problem = parseUriHeaders(rest.slice(q + 1), headers);
    if (problem) return parseError(problem, colon + 1);
    rest = rest.slice(0, q);
  }
  const semi = rest.indexOf(";");
  const hostport = parseHostPort(semi < 0 ? rest : rest.slice(0, semi));
  if (!hostport.ok) return parseError(hostport.error.reason, colon + 1);
  if (semi >= 0) {
    const problem = parseUriParams(rest.slice(semi + 1), params);
    if (problem) return parseError(problem, colon + 1);
  }
  const uri: SipUri = { scheme, host: hostport.value.host, params, headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (hostport.value.port !== undefined) uri.port = hostport.value.port;
  return ok(uri);
}

/** The URI in canonical text form: lowercase scheme, minimal escaping (§19.1.4). */
export function serializeUri(u: SipUri): string {
  let out = `${u.scheme}:`;
  if (u.scheme === "tel") out += percentEncode(u.user ?? "", USER_SAFE);
  else {
    if (u.user !== undefined) {
      out += percentEncode(u.user, USER_SAFE);
      if (u.password !== undefined) out += `:${percentEncode(u.password, PASSWORD_SAFE)}`;
      out += "@";
    }
    out += u.host;
    if (u.port !== undefined) out += `:${u.port}`;
  }
  for (const [name, value] of u.params) {
    out += `;${percentEncode(name, PARAM_SAFE)}`;
    if (value !== null) out += `=${percentEncode(value, PARAM_SAFE)}`;
  }
  let sep = "?";
  for (const [name, value] of u.headers) {
    out += `${sep}${percentEncode(name, HEADER_SAFE)}=${percentEncode(value, HEADER_SAFE)}`;
    sep = "&";
  }
  return out;
}
