/**
 * Parses one SIP message from bytes or text (RFC 3261 §7): start line, header fields with LWS
 * folding and compact forms, then a body sized by Content-Length in bytes (§20.14, §18.3).
 * Never throws: every malformation is a `ParseError` with a reason and the byte offset of the
 * offending line (offsets count UTF-8 bytes from the start of the input).
 */
import { utf8, utf8ByteLength } from "../../lib/bytes.ts";
import { ok, type ParseError, parseError, type Result } from "../../lib/result.ts";
import { checkHeaders } from "./check-headers.ts";
import { canonicalName } from "./headers.ts";
import { isToken, isWsp, parseBoundedInt, trimLws } from "./text.ts";
import { type Header, MAX_MESSAGE_SIZE, type SipMessage } from "./types.ts";
import { parseUri } from "./uri.ts";

// §7.1 SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is understood (a UAS would owe 505, §21.5.6).
const SIP_VERSION = /^SIP\/2\.0$/i;
const STATUS_LINE = /^SIP\/([0-9]+\.[0-9]+) ([0-9]{3})(?: (.*))?$/is;
// RFC 3986 §3.1 scheme ":" — the Request-URI may be any absoluteURI (§25.1); a UAS answers 416
// for schemes it does not know (§8.2.2.1), so the parser accepts them.
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

// ignoreBOM keeps a U+FEFF that opens a line: it is header content, not a byte-order mark here.
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

interface Line {
  text: string;
  offset: number;
}

/** Index of the first byte of the body: just past the first empty line, or -1. */
function findBodyStart(b: Uint8Array, from: number): { headerEnd: number; bodyStart: number } | undefined {
  for (let i = from; i < b.length; i++) {
    if (b[i] !== 0x0a) continue;
    if (b[i + 1] === 0x0a) return { headerEnd: i + 1, bodyStart: i + 2 };
    if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) return { headerEnd: i + 1, bodyStart: i + 3 };
  }
  return undefined;
}

/**
 * Splits the header block into lines (CRLF, or bare LF from lenient peers). The block is decoded
 * once; `offset` is in characters of that text and turned into a byte offset only on error.
 */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let from = 0;
  for (;;) {
    const lf = text.indexOf("\n", from);
    if (lf < 0) break;
    const stop = lf > from && text.charCodeAt(lf - 1) === 0x0d ? lf - 1 : lf;
    lines.push({ text: text.slice(from, stop), offset: from });
    from = lf + 1;
  }
  return lines;
}

/** Unfolds continuation lines (§7.3.1: LWS folding equals a single SP) into name/value pairs. */
function parseHeaderLines(lines: Line[]): Result<{ headers: Header[]; offsets: number[] }> {
  const headers: Header[] = [];
  const offsets: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const { text, offset } = lines[i]!;
    if (isWsp(text.charCodeAt(0))) {
      const prev = headers[headers.length - 1];
      if (prev === undefined) return parseError("continuation line before any header", offset);
      const more = trimLws(text);
      if (more !== "") prev.value = prev.value === "" ? more : `${prev.value} ${more}`;
      continue;
    }
    const colon = text.indexOf(":");
    if (colon < 0) return parseError("header line without a colon", offset);
    // §7.3.1 HCOLON = *( SP / HTAB ) ":" SWS
    const name = text.slice(0, colon).replace(/[ \t]+$/, "");
    if (!isToken(name)) return parseError(`bad header name ${JSON.stringify(name)}`, offset);
    headers.push({ name, value: trimLws(text.slice(colon + 1)) });
    offsets.push(offset);
  }
  return ok({ headers, offsets });
}

type StartLine =
  | { kind: "request"; method: string; uri: string }
  | { kind: "response"; status: number; reason: string };

function parseStartLine(line: Line): Result<StartLine> {
  const { text, offset } = line;
  const status = STATUS_LINE.exec(text);
  if (status) {
    if (status[1] !== "2.0") return parseError(`unsupported SIP-Version SIP/${status[1]}`, offset);
    const code = Number(status[2]);
    // §7.2 Status-Code: 3DIGIT whose first digit is 1-6 (§21).
    if (code < 100 || code > 699) return parseError(`status code ${code} out of range`, offset);
    return ok({ kind: "response", status: code, reason: status[3] ?? "" });
  }
  // §7.1 Request-Line = Method SP Request-URI SP SIP-Version CRLF: single SPs, nothing more.
  const parts = text.split(" ");
  if (parts.length !== 3)
    return parseError("Request-Line is not Method SP Request-URI SP SIP-Version", offset);
  const [method, uri, version] = parts as [string, string, string];
  if (!isToken(method)) return parseError("Method is not a token", offset);
  if (!SIP_VERSION.test(version))
    return parseError(`unsupported SIP-Version ${JSON.stringify(version)}`, offset);
  if (!ABSOLUTE_URI.test(uri))
    return parseError("Request-URI is not an absolute URI", offset + method.length + 1);
  if (/^(sips?|tel):/i.test(uri)) {
    const parsed = parseUri(uri);
    if (!parsed.ok) return parseError(`bad Request-URI: ${parsed.error.reason}`, offset + method.length + 1);
    // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11 escruri).
    if (parsed.value.headers.size > 0)
      return parseError("Request-URI carries headers", offset + method.length + 1);
  }
  return ok({ kind: "request", method, uri });
}

/**
 * Parses a whole message. Content-Length, when present, must fit in the bytes received (a
 * shorter body is an error); extra bytes after it are discarded (§18.3). When it is absent
 * the body is the rest of the input, which is right for a datagram; stream transports cut
 * messages out of the byte stream first (RFC 3261 §18.3).
 */
export function parseMessage(input: Uint8Array | string): Result<SipMessage> {
  // A string has at least as many UTF-8 bytes as UTF-16 units: refuse before encoding it.
  if (typeof input === "string" && input.length > MAX_MESSAGE_SIZE) {
    return parseError(`message exceeds ${MAX_MESSAGE_SIZE} bytes`, MAX_MESSAGE_SIZE);
  }
  const b = typeof input === "string" ? utf8(input) : input;
  if (b.length > MAX_MESSAGE_SIZE)
    return parseError(`message exceeds ${MAX_MESSAGE_SIZE} bytes`, MAX_MESSAGE_SIZE);
  // §7.5: CRLFs before the start-line are ignored.
  let start = 0;
  while (start < b.length && (b[start] === 0x0d || b[start] === 0x0a)) start++;
  if (start === b.length) return parseError("empty message", start);
  const bounds = findBodyStart(b, start);
  if (!bounds) return parseError("no empty line after the header fields", b.length);
  const text = decoder.decode(b.subarray(start, bounds.headerEnd));
  // Error offsets count bytes from the start of the input (RFC 3261 lengths are in octets).
  const fail = (e: ParseError): Result<SipMessage> =>
    parseError(e.reason, start + utf8ByteLength(text.slice(0, e.offset ?? 0)));
  const lines = splitLines(text);
  const startLine = parseStartLine(lines[0]!);
  if (!startLine.ok) return fail(startLine.error);
  const parsedHeaders = parseHeaderLines(lines);
  if (!parsedHeaders.ok) return fail(parsedHeaders.error);
  const { headers, offsets } = parsedHeaders.value;
  const problem = checkHeaders(headers);
  if (problem) return fail({ reason: problem.reason, offset: offsets[problem.index] });
  let length = b.length - bounds.bodyStart;
  const cl = headers.find((h) => canonicalName(h.name) === "content-length");
  if (cl) {
    // §20.14 Content-Length = 1*DIGIT, in octets; bounded by the message size limit.
    const n = parseBoundedInt(cl.value, MAX_MESSAGE_SIZE);
    if (n === undefined)
      return fail({
        reason: `bad Content-Length ${JSON.stringify(cl.value)}`,
        offset: offsets[headers.indexOf(cl)],
      });
    if (n > length) return parseError(`body is ${length} bytes, Content-Length says ${n}`, bounds.bodyStart);
    length = n;
  }
  const body = b.slice(bounds.bodyStart, bounds.bodyStart + length);
  const s = startLine.value;
  return ok(
    s.kind === "request"
      ? { kind: "request", method: s.method, uri: s.uri, headers, body }
      : { kind: "response", status: s.status, reason: s.reason, headers, body },
  );
}
