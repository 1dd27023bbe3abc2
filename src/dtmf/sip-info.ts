/**
 * DTMF in SIP INFO bodies (RFC 6086 carries them; sip.md §9 fixes the formats):
 * - `application/dtmf-relay`, the de-facto format: lines `Signal=<d>` and optional
 *   `Duration=<ms>`; keys case-insensitive, spaces allowed around them, a–d upper-cased;
 * - `application/dtmf`: the body is the digit.
 * Any other content type is not DTMF (`ok(null)`): the caller answers 200 and ignores it.
 */
import { ok, parseError, type Result } from "../lib/result.ts";
import { type Digit, toDigit } from "./digits.ts";

export const DTMF_RELAY_CONTENT_TYPE = "application/dtmf-relay";
export const DTMF_CONTENT_TYPE = "application/dtmf";
/** A DTMF INFO body is a few bytes; anything longer is not one we read. */
export const MAX_DTMF_INFO_BODY = 1024;

export interface DtmfInfo {
  readonly digit: Digit;
  readonly durationMs?: number;
}

/** Reads a DTMF INFO body; `contentType` is the Content-Type header value (parameters allowed). */
export function parseDtmfInfo(contentType: string, body: string): Result<DtmfInfo | null> {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type !== DTMF_RELAY_CONTENT_TYPE && type !== DTMF_CONTENT_TYPE) return ok(null);
  if (body.length > MAX_DTMF_INFO_BODY) return parseError(`DTMF INFO body over ${MAX_DTMF_INFO_BODY} bytes`);
  if (type === DTMF_CONTENT_TYPE) {
    const digit = toDigit(body.trim());
    return digit === undefined ? parseError("application/dtmf body is not one DTMF digit") : ok({ digit });
  }
  let digit: Digit | undefined;
  let durationMs: number | undefined;
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key === "signal" && digit === undefined) {
      digit = toDigit(value);
      if (digit === undefined) return parseError(`Signal=${value.slice(0, 16)} is not a DTMF digit`);
    } else if (key === "duration" && /^\d{1,6}$/.test(value)) durationMs = Number(value);
  }
  if (digit === undefined) return parseError("application/dtmf-relay body has no Signal line");
  return ok(durationMs === undefined ? { digit } : { digit, durationMs });
}

/** The body we send when telephone-event was not negotiated (sip.md §9). */
export function buildDtmfRelayBody(digit: Digit, durationMs = 100): string {
  return `Signal=${digit}\r\nDuration=${durationMs}\r\n`;
}
