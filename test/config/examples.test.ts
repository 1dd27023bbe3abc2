/**
 * config.example.toml and config.example.yaml (spec/config.md §2): both load as they are, are
 * twins (same tree, same explanatory comments), run on loopback only, and show every key of
 * the schema, so enabling every "#key" line also gives a valid twin pair.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type ConfigResult, loadConfig } from "../../src/config/index.ts";
import { rawConfigSchema } from "../../src/config/schema.ts";
import { skipWithout } from "../support/peers.ts";
import { createCaseDir, FORMATS, type Format } from "./support/load-both.ts";
import { makeTlsPair, type TlsPair } from "./support/tls-pair.ts";

const root = join(import.meta.dir, "..", "..");
const PATHS: Record<Format, string> = {
  yaml: join(root, "config.example.yaml"),
  toml: join(root, "config.example.toml"),
};
const TEXT: Record<Format, string> = {
  yaml: readFileSync(PATHS.yaml, "utf8"),
  toml: readFileSync(PATHS.toml, "utf8"),
};

const dir = createCaseDir();
afterAll(() => dir.remove());

/** Enables every optional "#key" line: a `#` directly followed by text (prose is "# text"). */
function uncomment(text: string): string {
  return text.replace(/^(\s*)#(?=[^\s#])/gm, "$1");
}

/** Explanatory comment lines, indentation removed. */
function prose(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l === "#" || l.startsWith("# "));
}

function parseTree(format: Format, text: string): unknown {
  return format === "yaml" ? parseYaml(text) : Bun.TOML.parse(text);
}

/** Every key path of the schema, list levels written as `[]` (`server.peers[].auth.username`). */
function schemaPaths(schema: z.ZodType, prefix: string): string[] {
  if (schema instanceof z.ZodOptional) return schemaPaths(schema.unwrap() as z.ZodType, prefix);
  if (schema instanceof z.ZodArray) return schemaPaths(schema.element as z.ZodType, `${prefix}[]`);
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([k, v]) =>
      schemaPaths(v, prefix === "" ? k : `${prefix}.${k}`),
    );
  }
  return [prefix];
}

/** Every key path present in a parsed tree, in the same notation. */
function treePaths(v: unknown, prefix: string): string[] {
  if (Array.isArray(v)) {
    const inner = v.flatMap((x) => treePaths(x, `${prefix}[]`));
    return inner.length > 0 ? inner : [prefix];
  }
  if (typeof v === "object" && v !== null) {
    return Object.entries(v).flatMap(([k, x]) => treePaths(x, prefix === "" ? k : `${prefix}.${k}`));
  }
  return [prefix];
}

function ok(r: ConfigResult): Extract<ConfigResult, { ok: true }> {
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r;
}

describe("example configuration files", () => {
  for (const format of FORMATS) {
    test(`config.example.${format} loads without errors or warnings`, () => {
      expect(ok(loadConfig({ path: PATHS[format], env: {} })).warnings).toEqual([]);
    });
  }

  test("both examples produce the same config", () => {
    const yaml = ok(loadConfig({ path: PATHS.yaml, env: {} })).config;
    expect(ok(loadConfig({ path: PATHS.toml, env: {} })).config).toEqual(yaml);
  });

  test("as written they serve loopback only and let a local softphone call in", () => {
    const c = ok(loadConfig({ path: PATHS.toml, env: {} })).config;
    expect(c.listen.http).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(c.server?.listen).toEqual({ host: "127.0.0.1", port: 5080 });
    expect(c.server?.rtpPorts).toEqual({ min: 10000, max: 10999 });
    expect(c.server?.peers.map((p) => [p.name, p.hosts.map((h) => h.text)])).toEqual([
      ["local", ["127.0.0.0/8"]],
    ]);
    expect(c.webhook).toEqual({ url: "http://127.0.0.1:3000/events", timeoutMs: 5000, retry: 1 });
    expect(c.stream).toEqual({ encoding: "audio/x-mulaw", sampleRate: 8000 });
    expect([c.trunks, c.auth, c.rateLimit, c.tls]).toEqual([[], {}, {}, undefined]);
  });

  test("both carry the same explanatory comments in the same order", () => {
    expect(prose(TEXT.yaml).length).toBeGreaterThan(60);
    // Only the format names and the one syntax example differ.
    const neutral = (lines: string[]) =>
      lines.map((l) =>
        l
          .replace(/\((YAML|TOML)\)/, "(FORMAT)")
          .replace(/config\.example\.(yaml|toml)/g, "config.example.X")
          .replace(/"#key(: | = )value"/, '"#key value"')
          .replace(/same tree in (YAML|TOML)/, "same tree in FORMAT"),
      );
    expect(neutral(prose(TEXT.toml))).toEqual(neutral(prose(TEXT.yaml)));
  });

  for (const format of FORMATS) {
    test(`config.example.${format} shows every key of the schema, enabled or as a "#key" line`, () => {
      const shown = new Set(treePaths(parseTree(format, uncomment(TEXT[format])), ""));
      const missing = schemaPaths(rawConfigSchema, "").filter((p) => !shown.has(p));
      expect(missing).toEqual([]);
    });
  }
});

describe.skipIf(skipWithout("openssl"))(
  "example configuration files with every optional line enabled",
  () => {
    let pair: TlsPair = { cert: "", key: "" };
    beforeAll(async () => {
      pair = await makeTlsPair(dir.dir, "example");
    });

    function enabled(format: Format): ConfigResult {
      const text = uncomment(TEXT[format])
        .replace("/etc/xbridge/tls/cert.pem", pair.cert)
        .replace("/etc/xbridge/tls/key.pem", pair.key);
      const path = join(dir.dir, `enabled.${format}`);
      writeFileSync(path, text);
      return loadConfig({ path, env: {} });
    }

    test("still load in both formats, to the same config, warning only that trunks replace sip", () => {
      const [yaml, toml] = [ok(enabled("yaml")), ok(enabled("toml"))];
      expect(toml.config).toEqual(yaml.config);
      expect(yaml.warnings).toEqual(["the sip block is ignored because trunks is set"]);
      expect(toml.warnings).toEqual(yaml.warnings);
      const c = yaml.config;
      expect(c.trunks.map((t) => `${t.name}@${t.host}:${t.port}/${t.transport}`)).toEqual([
        "telnyx@sip.telnyx.com:5061/tls",
        "office@192.168.1.10:5060/udp",
      ]);
      expect(c.server?.peers.map((p) => p.name)).toEqual(["local", "pbx", "carrier", "branch"]);
      expect(c.server?.peers[3]?.auth).toEqual({ username: "branch", password: "change-me-three" });
      expect(c.server?.rtpAddress).toBe("203.0.113.7");
      expect(c.auth.apiKey).toBe("change-me-to-a-long-random-string");
      expect(c.rateLimit.requestsPerSecond).toBe(100);
      expect(c.tls?.certPath).toBe(pair.cert);
    });
  },
);
