/**
 * A small TOML 1.0 writer for config tests: turns the tree a YAML case parses to into the same
 * tree in TOML, so every config case runs in both formats (spec/config.md §1: "YAML and TOML
 * have the same tree"). Tables become `[a.b]`, arrays of tables `[[a.b]]`, everything else
 * `key = value`. Test support only: it throws on what TOML cannot express (null).
 */

type Tree = Record<string, unknown>;

function isTable(v: unknown): v is Tree {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isTableArray(v: unknown): v is Tree[] {
  return Array.isArray(v) && v.length > 0 && v.every(isTable);
}

/** Bare keys are A-Za-z0-9_- (TOML 1.0 §Keys); anything else is written as a basic string. */
export function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}

/** A value on the right of `=`: JSON string escapes are a subset of TOML basic-string escapes. */
export function tomlValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    // Integers beyond 2^53 would print without a point yet read back as a TOML float.
    const text = String(v);
    return Number.isSafeInteger(v) || /[.e]/.test(text) ? text : `${text}.0`;
  }
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  if (isTable(v))
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`)
      .join(", ")} }`;
  throw new Error(`TOML cannot express ${String(v)}`);
}

function writeTable(out: string[], path: string[], table: Tree): void {
  const nested: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(table)) {
    if (isTable(v) || isTableArray(v)) nested.push([k, v]);
    else out.push(`${tomlKey(k)} = ${tomlValue(v)}`);
  }
  for (const [k, v] of nested) {
    const sub = [...path, k];
    const header = sub.map(tomlKey).join(".");
    if (isTableArray(v)) {
      for (const item of v) {
        out.push("", `[[${header}]]`);
        writeTable(out, sub, item);
      }
    } else if (isTable(v)) {
      out.push("", `[${header}]`);
      writeTable(out, sub, v);
    }
  }
}

/** Serialises a tree (top level must be a table) as a TOML document. */
export function toToml(tree: Tree): string {
  const out: string[] = [];
  writeTable(out, [], tree);
  return `${out.join("\n").trim()}\n`;
}
