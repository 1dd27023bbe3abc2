/**
 * Lenient SDP parser (RFC 8866 §5). Accepts CRLF or bare LF line ends (RFC 8866 §5 asks
 * parsers to accept LF), session-level lines in any order, and keeps lines it does not know
 * (unknown types, malformed `o=`, duplicates of single-valued fields) verbatim in `unknown`
 * so they round-trip. Never throws: bad input comes back as a ParseError with a char offset.
 */
import { ok, parseError, type Result } from "../lib/result.ts";
import type { Attribute, Connection, Origin, SessionDescription } from "./types.ts";

/** Bounds on remote input: an SDP body this large is hostile, not a phone call. */
export const MAX_SDP_CHARS = 65_536;
export const MAX_SDP_LINES = 2_048;
export const MAX_MEDIA_SECTIONS = 32;

interface MutableMedia {
  media: string;
  port: number;
  numberOfPorts?: number;
  proto: string;
  formats: string[];
  information?: string;
  connections: Connection[];
  bandwidths: string[];
  key?: string;
  attributes: Attribute[];
  unknown: string[];
}

interface MutableSession {
  version?: number;
  origin?: Origin;
  sessionName?: string;
  information?: string;
  uri?: string;
  emails: string[];
  phones: string[];
  connection?: Connection;
  bandwidths: string[];
  timings: { start: string; stop: string; repeats: string[] }[];
  zone?: string;
  key?: string;
  attributes: Attribute[];
  unknown: string[];
  media: MutableMedia[];
}

const LINE_RE = /^([a-z])=(.*)$/;

/** Parses an SDP body. Fails only on input no answer can be built from (no SDP lines, bad m=). */
export function parseSdp(text: string): Result<SessionDescription> {
  if (text.length > MAX_SDP_CHARS) return parseError(`SDP longer than ${MAX_SDP_CHARS} characters`);
  const s: MutableSession = {
    emails: [],
    phones: [],
    bandwidths: [],
    timings: [],
    attributes: [],
    unknown: [],
    media: [],
  };
  let recognised = 0;
  let offset = 0;
  let lineCount = 0;
  for (const rawLine of text.split("\n")) {
    const lineOffset = offset;
    offset += rawLine.length + 1;
    const line = rawLine.replace(/[\r \t]+$/, "");
    if (line === "") continue;
    if (++lineCount > MAX_SDP_LINES) return parseError(`more than ${MAX_SDP_LINES} SDP lines`, lineOffset);
    const m = LINE_RE.exec(line);
    const current = s.media[s.media.length - 1];
    if (m === null) {
      (current ?? s).unknown.push(line);
      continue;
    }
    const type = m[1]!;
    const value = m[2]!;
    if (type === "m") {
      if (s.media.length >= MAX_MEDIA_SECTIONS)
        return parseError(`more than ${MAX_MEDIA_SECTIONS} m= sections`, lineOffset);
      const media = parseMediaLine(value);
      if (media === undefined) return parseError(`malformed m= line: ${line.slice(0, 80)}`, lineOffset);
      s.media.push(media);
      recognised++;
    } else if (current !== undefined) {
      if (applyMediaLine(current, type, value)) recognised++;
      else current.unknown.push(line);
    } else if (applySessionLine(s, type, value)) recognised++;
    else s.unknown.push(line);
  }
  if (recognised === 0) return parseError("no SDP lines found", 0);
  return ok({
    version: s.version ?? 0,
    ...(s.origin === undefined ? {} : { origin: s.origin }),
    sessionName: s.sessionName ?? "-",
    ...(s.information === undefined ? {} : { information: s.information }),
    ...(s.uri === undefined ? {} : { uri: s.uri }),
    emails: s.emails,
    phones: s.phones,
    ...(s.connection === undefined ? {} : { connection: s.connection }),
    bandwidths: s.bandwidths,
    // RFC 8866 §5.9: t= is required; "t=0 0" is the unbounded session a missing line implies.
    timings: s.timings.length === 0 ? [{ start: "0", stop: "0", repeats: [] }] : s.timings,
    ...(s.zone === undefined ? {} : { zone: s.zone }),
    ...(s.key === undefined ? {} : { key: s.key }),
    attributes: s.attributes,
    unknown: s.unknown,
    media: s.media,
  });
}

/** Returns false when the line is not one the session section holds (it goes to `unknown`). */
function applySessionLine(s: MutableSession, type: string, value: string): boolean {
  switch (type) {
    case "v": {
      if (s.version !== undefined || !/^\d{1,9}$/.test(value)) return false;
      s.version = Number(value);
      return true;
    }
    case "o": {
      if (s.origin !== undefined) return false;
      const origin = parseOrigin(value);
      if (origin === undefined) return false;
      s.origin = origin;
      return true;
    }
    case "s":
      if (s.sessionName !== undefined) return false;
      // RFC 8866 §5.3: s= must not be empty; a single space or "-" stands for none.
      s.sessionName = value === "" ? "-" : value;
      return true;
    case "i":
      if (s.information !== undefined) return false;
      s.information = value;
      return true;
    case "u":
      if (s.uri !== undefined) return false;
      s.uri = value;
      return true;
    case "e":
      s.emails.push(value);
      return true;
    case "p":
      s.phones.push(value);
      return true;
    case "c": {
      if (s.connection !== undefined) return false;
      const c = parseConnection(value);
      if (c === undefined) return false;
      s.connection = c;
      return true;
    }
    case "b":
      s.bandwidths.push(value);
      return true;
    case "t": {
      const parts = value.split(/\s+/);
      if (parts.length !== 2) return false;
      s.timings.push({ start: parts[0]!, stop: parts[1]!, repeats: [] });
      return true;
    }
    case "r": {
      // RFC 8866 §5.10: r= belongs to the t= before it.
      const t = s.timings[s.timings.length - 1];
      if (t === undefined) return false;
      t.repeats.push(value);
      return true;
    }
    case "z":
      if (s.zone !== undefined) return false;
      s.zone = value;
      return true;
    case "k":
      if (s.key !== undefined) return false;
      s.key = value;
      return true;
    case "a": {
      const a = parseAttribute(value);
      if (a === undefined) return false;
      s.attributes.push(a);
      return true;
    }
    default:
      return false;
  }
}

/** RFC 8866 §5.14: a media section holds i=, c= (several for multicast), b=, k= and a=. */
function applyMediaLine(m: MutableMedia, type: string, value: string): boolean {
  switch (type) {
    case "i":
      if (m.information !== undefined) return false;
      m.information = value;
      return true;
    case "c": {
      const c = parseConnection(value);
      if (c === undefined) return false;
      m.connections.push(c);
      return true;
    }
    case "b":
      m.bandwidths.push(value);
      return true;
    case "k":
      if (m.key !== undefined) return false;
      m.key = value;
      return true;
    case "a": {
      const a = parseAttribute(value);
      if (a === undefined) return false;
      m.attributes.push(a);
      return true;
    }
    default:
      return false;
  }
}

/** `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 §5.14). */
function parseMediaLine(value: string): MutableMedia | undefined {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 3) return undefined;
  const portMatch = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(parts[1]!);
  if (portMatch === null) return undefined;
  const port = Number(portMatch[1]);
  if (port > 65535) return undefined;
  const media: MutableMedia = {
    media: parts[0]!,
    port,
    proto: parts[2]!,
    formats: parts.slice(3),
    connections: [],
    bandwidths: [],
    attributes: [],
    unknown: [],
  };
  if (portMatch[2] !== undefined) media.numberOfPorts = Number(portMatch[2]);
  return media;
}

function parseOrigin(value: string): Origin | undefined {
  const p = value.trim().split(/\s+/);
  if (p.length !== 6 || !/^\d+$/.test(p[1]!) || !/^\d+$/.test(p[2]!)) return undefined;
  return {
    username: p[0]!,
    sessionId: p[1]!,
    sessionVersion: p[2]!,
    netType: p[3]!,
    addrType: p[4]!,
    address: p[5]!,
  };
}

function parseConnection(value: string): Connection | undefined {
  const p = value.trim().split(/\s+/);
  if (p.length !== 3) return undefined;
  return { netType: p[0]!, addrType: p[1]!, address: p[2]! };
}

/** RFC 8866 §5.13: `a=<attribute-name>[:<attribute-value>]`. */
function parseAttribute(value: string): Attribute | undefined {
  const colon = value.indexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  if (name === "" || /\s/.test(name)) return undefined;
  return colon < 0 ? { name } : { name, value: value.slice(colon + 1) };
}
