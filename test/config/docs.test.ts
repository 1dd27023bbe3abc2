/**
 * docs/configuration.md stays true to the code: every complete TOML/YAML example in it loads,
 * every key of the schema and every XBRIDGE_* variable the loader reads is documented.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { loadConfig } from "../../src/config/index.ts";
import { rawConfigSchema } from "../../src/config/schema.ts";
import { createCaseDir } from "./support/load-both.ts";

const root = join(import.meta.dir, "..", "..");
const DOC = readFileSync(join(root, "docs", "configuration.md"), "utf8");
const dir = createCaseDir("xbridge-docs-");
afterAll(() => dir.remove());

/** Leaf key names of the schema with their section (`server.peers[].auth.username` → ["server", "username"]). */
function leaves(schema: z.ZodType, path: string[]): string[][] {
  if (schema instanceof z.ZodOptional) return leaves(schema.unwrap() as z.ZodType, path);
  if (schema instanceof z.ZodArray) return leaves(schema.element as z.ZodType, path);
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([k, v]) =>
      leaves(v, [...path, k]),
    );
  return [path];
}

describe("docs/configuration.md", () => {
  const blocks = [...DOC.matchAll(/```(toml|yaml)\n([\s\S]*?)```/g)].map((m) => ({
    ext: m[1]!,
    text: m[2]!,
  }));

  test("has the three worked examples as complete files", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  blocks.forEach((b, i) => {
    test(`example ${i + 1} (${b.ext}) loads without errors`, () => {
      const path = join(dir.dir, `doc-${i}.${b.ext}`);
      writeFileSync(path, b.text);
      const r = loadConfig({ path, env: {} });
      expect(r.ok ? [] : r.errors).toEqual([]);
    });
  });

  test("documents every key of the schema in a table row or heading", () => {
    const undocumented = leaves(rawConfigSchema, [])
      .filter((p) => !new RegExp(`\`[^\`\\n]*\\b${p.at(-1)}\\b[^\`\\n]*\``).test(DOC))
      .map((p) => p.join("."));
    expect(undocumented).toEqual([]);
    for (const section of Object.keys(rawConfigSchema.shape)) expect(DOC).toContain(`### \`${section}\``);
  });

  test("lists exactly the XBRIDGE_* variables the loader reads, each in the table", () => {
    const source = readFileSync(join(root, "src", "config", "env.ts"), "utf8");
    const read = [...new Set([...source.matchAll(/"(XBRIDGE_[A-Z_]+)"/g)].map((m) => m[1]!))];
    expect(read).toHaveLength(18);
    const tabled = [...DOC.matchAll(/^\| `(XBRIDGE_[A-Z_]+)` \|/gm)].map((m) => m[1]!);
    expect(tabled.sort()).toEqual(read.sort());
  });
});
