/**
 * Reusable zod schemas for request bodies (spec/rest-api.md §1.5). Their `error` texts are
 * predicates; `issueMessage` prefixes the field name.
 */
import { z } from "zod";

/** Longest string allowed into a SIP header (rest-api.md §1.5). */
const SIP_HEADER_MAX_LENGTH = 256;

const NON_EMPTY = "is required and must be a non-empty string";

/** CR/LF would start a new header line (header injection), NUL ends C strings, `<`/`>` delimit name-addr URIs (RFC 3261 §20.10). */
const SIP_HEADER_FORBIDDEN = /[\r\n\0<>]/;

/** A required string that is not empty or only whitespace (§1.5). The value is not trimmed. */
export function nonEmptyString() {
  return z.string({ error: NON_EMPTY }).refine((s) => s.trim() !== "", { error: NON_EMPTY });
}

/** A required string that ends up in a SIP header: `to`, `from`, `target` (§1.5). */
export const sipHeaderString = nonEmptyString()
  .max(SIP_HEADER_MAX_LENGTH, { error: `must be at most ${SIP_HEADER_MAX_LENGTH} characters long` })
  .refine((s) => !SIP_HEADER_FORBIDDEN.test(s), { error: "must not contain CR, LF, NUL, '<' or '>'" });
