/**
 * Keeps DESIGN.md's layer rule true by reading imports: a module imports only from the layers
 * below it (and listed neighbours), never upward, not even type-only; and the pure cores never
 * touch sockets, timers, the wall clock, randomness or the process.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "../src");

/** Folder (relative to src/) → folders it may import from. `lib` is allowed everywhere. */
const ALLOWED: Record<string, string[]> = {
  lib: [],
  runtime: [],
  "sip/message": [],
  sdp: [],
  rtp: [],
  codec: [],
  dtmf: ["rtp"],
  srtp: ["rtp"],
  "sip/transaction": ["sip/message"],
  "sip/dialog": ["sip/message"],
  "sip/auth": ["sip/message"],
  "sip/ua": ["sip/message", "sip/transaction", "sip/dialog", "sip/auth"],
  "sip/transport": ["sip/message", "sip/transaction", "sip/dialog", "sip/auth", "sip/ua"],
  media: ["rtp", "srtp", "dtmf", "codec"],
  call: ["sip/ua", "sdp"],
  stream: ["call", "codec"],
  webhook: ["call"],
  metrics: ["call"],
  api: ["call", "stream", "webhook", "metrics"],
  config: [],
  stun: [],
  trunk: ["sip/ua", "sip/message", "sip/auth", "sip/transport", "stun"],
  // Composition-root helpers: the adapters app.ts wires between cores and IO (DESIGN.md rule 4).
  gateway: ["*"],
  root: ["*"],
};

/** Type-only imports allowed across the rule (DESIGN.md: call may see media/types.ts). */
const TYPE_ONLY_EXCEPTIONS: Array<[string, string]> = [["call", "src/media/types.ts"]];

/** Pure folders: no IO, no real time, no randomness (DESIGN.md rule 1). */
const PURE = [
  "lib",
  "sip/message",
  "sip/transaction",
  "sip/dialog",
  "sip/auth",
  "sip/ua",
  "sdp",
  "rtp",
  "codec",
  "dtmf",
  "srtp",
  "call",
  "stun",
];
// A call of the global, not a method declaration such as `setTimeout(fn: () => void, ms: number)`.
const IMPURE_PATTERN =
  /\bBun\.|(?<![.\w])(?:setTimeout|setInterval|fetch)\((?!\s*\w+\??\s*:)|\bDate\.now\(|\bMath\.random\(|\bprocess\./;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function layerOf(file: string): string {
  const rel = relative(SRC, file).replaceAll("\\", "/");
  if (!rel.includes("/")) return "root";
  const parts = rel.split("/");
  if (parts[0] === "sip") return `sip/${parts[1]}`;
  return parts[0]!;
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

function importsOf(source: string): Import[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: Import[] = [];
  const re =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?[^;'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const m of code.matchAll(re)) {
    const spec = m[3] ?? m[4];
    if (spec !== undefined) out.push({ spec, typeOnly: m[2] !== undefined });
  }
  return out;
}

const files = walk(SRC);

describe("architecture (DESIGN.md layers)", () => {
  test("every source folder belongs to a known layer", () => {
    const unknown = files.map(layerOf).filter((l) => !(l in ALLOWED));
    expect([...new Set(unknown)]).toEqual([]);
  });

  test("no module imports from a layer above it or beside it unless listed", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const allowed = ALLOWED[from] ?? [];
      for (const imp of importsOf(readFileSync(file, "utf8"))) {
        if (!imp.spec.startsWith(".")) continue;
        const target = resolve(dirname(file), imp.spec);
        const to = layerOf(target);
        if (to === from || to === "lib" || allowed.includes("*") || allowed.includes(to)) continue;
        const relTarget = relative(resolve(SRC, ".."), target).replaceAll("\\", "/");
        if (imp.typeOnly && TYPE_ONLY_EXCEPTIONS.some(([l, t]) => l === from && t === relTarget)) continue;
        violations.push(`${relative(SRC, file)} (${from}) imports ${imp.spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  test("pure cores use no sockets, real timers, wall clock, randomness or process", () => {
    const violations: string[] = [];
    for (const file of files) {
      if (!PURE.includes(layerOf(file))) continue;
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      const m = code.match(IMPURE_PATTERN);
      if (m) violations.push(`${relative(SRC, file)}: ${m[0]}`);
    }
    expect(violations).toEqual([]);
  });

  test("the import reader sees type-only and value imports", () => {
    const found = importsOf(
      'import type { A } from "../x.ts";\nimport { b } from "./y.ts";\nexport * from "../z.ts";',
    );
    expect(found).toEqual([
      { spec: "../x.ts", typeOnly: true },
      { spec: "./y.ts", typeOnly: false },
      { spec: "../z.ts", typeOnly: false },
    ]);
  });
});
