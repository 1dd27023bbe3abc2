/**
 * Turns zod issues into the `message` of a 400 `invalid_request` (spec/rest-api.md §1.4:
 * "a human sentence that names the offending field"), e.g.
 * `field 'to' is required and must be a non-empty string`. The error map yields the predicate
 * ("must be an integer"); {@link issueMessage} prefixes the field path. Schemas may set their
 * own predicate with `{ error: "…" }`, which zod prefers over this map.
 */
import type { z } from "zod";

const ARTICLE_NOUN: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
};

function noun(expected: string): string {
  return ARTICLE_NOUN[expected] ?? `of type ${expected}`;
}

function bound(origin: string, n: number | bigint, side: "least" | "most"): string {
  if (origin === "string") return `must be at ${side} ${n} characters long`;
  if (origin === "array" || origin === "set") return `must have at ${side} ${n} items`;
  return `must be at ${side} ${n}`;
}

/** Per-parse zod error map: the predicate part of a message, without the field name. */
export const describeIssue: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      return iss.input === undefined
        ? `is required and must be ${noun(iss.expected)}`
        : `must be ${noun(iss.expected)}`;
    case "too_small":
      if (iss.origin === "string" && Number(iss.minimum) === 1) return "must not be empty";
      return bound(iss.origin, iss.minimum, "least");
    case "too_big":
      return bound(iss.origin, iss.maximum, "most");
    case "invalid_format":
      return iss.format === "url" ? "must be a valid URL" : `must be a valid ${iss.format}`;
    case "invalid_value":
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${iss.divisor}`;
    default:
      return "is invalid";
  }
};

/** `field 'a.b[0]' <predicate>`; an issue about the whole body (an object-level refine) is a full sentence already. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.path.length === 0) return issue.message;
  let field = "";
  for (const p of issue.path) {
    if (typeof p === "number") field += `[${p}]`;
    else field += field === "" ? String(p) : `.${String(p)}`;
  }
  return `field '${field}' ${issue.message}`;
}
