/**
 * DTMF digits: the RFC 4733 §3.2 event codes 0–15 (`0-9 * # A B C D`) and the REST API's
 * digit-string rule (rest-api.md `POST …/dtmf`: 1–32 of `0-9 * # A-D a-d`, checked as a whole
 * before anything is sent).
 */
import { ok, parseError, type Result } from "../lib/result.ts";

export type Digit =
  | "0"
  | "1"
  | "2"
  | "3"
  | "4"
  | "5"
  | "6"
  | "7"
  | "8"
  | "9"
  | "*"
  | "#"
  | "A"
  | "B"
  | "C"
  | "D";

/** Index = RFC 4733 §3.2 event code. */
const EVENT_DIGITS: readonly Digit[] = [
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
  "*",
  "#",
  "A",
  "B",
  "C",
  "D",
];

export const MAX_DTMF_DIGITS = 32;

/** The digit for a telephone-event code, or undefined for flash (16) and the rest (sip.md §9). */
export function eventToDigit(event: number): Digit | undefined {
  return EVENT_DIGITS[event];
}

/** RFC 4733 §3.2 event code of a digit. */
export function digitToEvent(digit: Digit): number {
  return EVENT_DIGITS.indexOf(digit);
}

/** One character as a digit, lowercase a–d upper-cased; undefined for anything else. */
export function toDigit(c: string): Digit | undefined {
  if (c.length !== 1) return undefined;
  return EVENT_DIGITS.find((d) => d === c.toUpperCase());
}

/**
 * Validates a REST digit string as a whole and returns its digits upper-cased; the error's
 * offset points at the first bad character.
 */
export function validateDtmfDigits(input: string): Result<Digit[]> {
  if (input.length === 0) return parseError("digits must not be empty");
  if (input.length > MAX_DTMF_DIGITS) return parseError(`at most ${MAX_DTMF_DIGITS} digits`);
  const out: Digit[] = [];
  for (let i = 0; i < input.length; i++) {
    const d = toDigit(input[i]!);
    if (d === undefined)
      return parseError(`invalid DTMF digit ${JSON.stringify(input[i])}; allowed: 0-9 * # A-D`, i);
    out.push(d);
  }
  return ok(out);
}
