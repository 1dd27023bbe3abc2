/**
 * Turns zod issues into the one-line errors of spec/config.md §1:
 * `config error: <key path>: <problem>`, naming the environment variable instead of the key
 * when the value came from one.
 */
import type { z } from "zod";

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let s = "";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else s += s === "" ? String(p) : `.${String(p)}`;
  }
  return s;
}

function valueAt(tree: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = tree;
  for (const p of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object" && v !== null) return "a table";
  return JSON.stringify(v);
}

/**
 * Every numeric key of spec/config.md §2 is an integer, and zod reports a non-number as
 * expected "number" but a fractional one as expected "int": both read "an integer". Lists and
 * tables use the words `show` uses for the value given.
 */
const EXPECTED: Readonly<Partial<Record<string, string>>> = {
  number: "an integer",
  int: "an integer",
  object: "a table/object",
  array: "a list",
};

function problem(issue: z.core.$ZodIssue, tree: unknown): string {
  const given = valueAt(tree, issue.path);
  switch (issue.code) {
    case "invalid_type":
      return `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`} (got ${show(given)})`;
    case "too_small":
      return `must be ≥ ${String(issue.minimum)} (got ${show(given)})`;
    case "too_big":
      return `must be ≤ ${String(issue.maximum)} (got ${show(given)})`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")} (got ${show(given)})`;
    default:
      return issue.message;
  }
}

export function formatIssues(
  error: z.ZodError,
  tree: unknown,
  sources: ReadonlyMap<string, string>,
): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        lines.push(`config error: ${formatPath([...issue.path, key])}: unknown key`);
      continue;
    }
    const path = formatPath(issue.path);
    lines.push(`config error: ${sources.get(path) ?? path}: ${problem(issue, tree)}`);
  }
  return lines;
}
