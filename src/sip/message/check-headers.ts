/**
 * Syntax checks of the header fields the lower layers rely on, run by the parser so that a
 * message that parses is safe to hand to the transaction and dialog layers (RFC 3261 §8.2,
 * §17, §18; RFC 4475 §3.1.2 lists the malformations). Presence of mandatory headers is a
 * semantic question answered by `checkRequest` instead (the UAS replies 400, §8.2.2).
 */
import { parseCSeq } from "./cseq.ts";
import { canonicalName } from "./headers.ts";
import { checkNameAddr } from "./name-addr.ts";
import { hasWhitespace, parseBoundedInt, splitTopLevel } from "./text.ts";
import type { Header } from "./types.ts";
import { parseVia } from "./via.ts";

/** Header fields that may appear once only (§20: their grammar has no list form). */
const SINGLE = new Set(["from", "to", "call-id", "cseq", "max-forwards", "content-length"]);

const MAX_DELTA_SECONDS = 0xffffffff;

function checkList(value: string, each: (v: string) => string | undefined): string | undefined {
  const parts = splitTopLevel(value, ",");
  if (parts === undefined) return "unterminated quoted string";
  for (const p of parts) {
    if (p === "") return "empty element in comma-separated list";
    const problem = each(p);
    if (problem) return problem;
  }
  return undefined;
}

function checkValue(key: string, value: string): string | undefined {
  switch (key) {
    case "via":
      return checkList(value, (v) => {
        const r = parseVia(v);
        return r.ok ? undefined : r.error.reason;
      });
    case "from":
    case "to":
      return checkNameAddr(value);
    case "contact":
      // §20.10: Contact is "*" or a list of name-addr / addr-spec with contact-params.
      return value === "*" ? undefined : checkList(value, checkNameAddr);
    case "call-id":
      // §25.1 callid = word [ "@" word ]: no whitespace inside.
      return value.length === 0 || hasWhitespace(value) ? "bad Call-ID" : undefined;
    case "cseq": {
      const r = parseCSeq(value);
      return r.ok ? undefined : r.error.reason;
    }
    case "max-forwards":
      // §20.22: 0-255 hops.
      return parseBoundedInt(value, 255) === undefined ? "Max-Forwards is not 0-255" : undefined;
    case "warning":
      // §20.43 warn-code = 3DIGIT (RFC 4475 §3.1.2.5 scalar1s).
      return checkList(value, (v) => (/^[0-9]{3}\s/.test(v) ? undefined : "warn-code is not 3 digits"));
    case "retry-after": {
      // §20.33 delta-seconds, bounded to 2**32-1 (RFC 4475 §3.1.2.5 scalar1s).
      const m = /^([0-9]+)/.exec(value);
      return m && parseBoundedInt(m[1]!, MAX_DELTA_SECONDS) !== undefined ? undefined : "bad Retry-After";
    }
    default:
      return undefined;
  }
}

/** The first problem found, with the index of the offending header, or undefined. */
export function checkHeaders(headers: readonly Header[]): { index: number; reason: string } | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    const key = canonicalName(h.name);
    if (SINGLE.has(key)) {
      if (seen.has(key)) return { index: i, reason: `more than one ${h.name} header` };
      seen.add(key);
    }
    const problem = checkValue(key, h.value);
    if (problem) return { index: i, reason: `${h.name}: ${problem}` };
  }
  return undefined;
}
