/**
 * The config examples in docs/trunks.md load through the real config loader and give the
 * trunks the page describes (so the documentation cannot drift into invalid config).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import type { TrunkSettings } from "../../src/trunk/index.ts";
import { makeTempDir } from "../support/peers.ts";

const doc = readFileSync(resolve(import.meta.dir, "../../docs/trunks.md"), "utf8");

function block(lang: "toml" | "yaml"): string {
  const fence = "```";
  const m = doc.match(new RegExp(`${fence}${lang}\\n([\\s\\S]*?)${fence}`));
  if (m?.[1] === undefined) throw new Error(`no ${lang} block in docs/trunks.md`);
  return m[1];
}

function load(lang: "toml" | "yaml") {
  const path = join(makeTempDir("trunk-docs"), `config.${lang}`);
  writeFileSync(path, block(lang));
  const r = loadConfig({ path, env: {} });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
}

describe("docs/trunks.md examples", () => {
  test("the extension example (TOML sip block) is one UDP trunk named default", () => {
    const c = load("toml");
    expect(c.trunks.map((t) => [t.name, t.username, t.host, t.port, t.transport])).toEqual([
      ["default", "2000", "192.168.1.10", 5060, "udp"],
    ]);
  });

  test("the carrier example (YAML trunks) gives three trunks with their ports and STUN server", () => {
    const c = load("yaml");
    expect(c.trunks.map((t) => [t.name, t.host, t.port, t.transport])).toEqual([
      ["telnyx", "sip.telnyx.com", 5061, "tls"],
      ["backup", "sip.backup-carrier.example", 5080, "tcp"],
      ["office", "192.168.1.10", 5060, "udp"],
    ]);
    expect(c.trunks[2]!.stunServer).toEqual({ host: "stun.example.net", port: 3478 });
    // Config trunks go to createTrunkManager as they are (checked by the type checker).
    const settings: readonly TrunkSettings[] = c.trunks;
    expect(settings.length).toBe(3);
  });
});
