/**
 * Reading the config file (spec/config.md §1): format by extension, unreadable and malformed
 * files, and the TLS pair check (§2 tls) with throwaway openssl keys made at test time.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { skipWithout } from "../support/peers.ts";
import { createCaseDir, errorsOf, FORMATS } from "./support/load-both.ts";
import { makeTlsPair } from "./support/tls-pair.ts";

const dir = createCaseDir();
afterAll(() => dir.remove());

const VALID_YAML = `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events" }\n`;

function file(name: string, text: string): string {
  const path = join(dir.dir, name);
  writeFileSync(path, text);
  return path;
}

describe("config file format and reading", () => {
  test("rejects an .ini file by its extension without reading it", () => {
    const path = join(dir.dir, "xbridge.ini");
    expect(errorsOf(loadConfig({ path, env: {} }))).toEqual([
      `config error: ${path}: unsupported config format ".ini" (expected .yaml, .yml or .toml)`,
    ]);
  });

  test("rejects a file without an extension", () => {
    const path = file("xbridge", VALID_YAML);
    expect(errorsOf(loadConfig({ path, env: {} }))).toEqual([
      `config error: ${path}: unsupported config format "(none)" (expected .yaml, .yml or .toml)`,
    ]);
  });

  test("accepts .yml and upper-case extensions", () => {
    expect(loadConfig({ path: file("a.yml", VALID_YAML), env: {} }).ok).toBe(true);
    expect(loadConfig({ path: file("b.YAML", VALID_YAML), env: {} }).ok).toBe(true);
  });

  test("reports a missing file as the path with no such file", () => {
    for (const ext of ["yaml", "toml"]) {
      const path = join(dir.dir, `missing.${ext}`);
      expect(errorsOf(loadConfig({ path, env: {} }))).toEqual([
        `config error: ${path}: cannot read file (no such file)`,
      ]);
    }
  });

  test("reports a TOML syntax error on one line", () => {
    const path = file("broken.toml", '[listen]\nhttp = "127.0.0.1:8080"\n[webhook\nurl = "x"\n');
    const errors = errorsOf(loadConfig({ path, env: {} }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toStartWith(`config error: ${path}: invalid TOML: `);
    expect(errors[0]).not.toContain("\n");
  });

  test("reports an unterminated TOML inline table with the parser's reason", () => {
    const path = file("inline.toml", "listen = {\n");
    expect(errorsOf(loadConfig({ path, env: {} }))).toEqual([
      `config error: ${path}: invalid TOML: TOML Parse error: Unterminated inline table; expected '}'`,
    ]);
  });

  test("reports a YAML syntax error as the first line of the parser's reason", () => {
    const path = file("broken.yaml", "listen: { http: [\n");
    expect(errorsOf(loadConfig({ path, env: {} }))).toEqual([
      `config error: ${path}: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:`,
    ]);
  });

  test("reports duplicate YAML keys as a syntax error", () => {
    const path = file("dup.yaml", `${VALID_YAML}listen: { http: "127.0.0.1:9090" }\n`);
    const errors = errorsOf(loadConfig({ path, env: {} }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toStartWith(`config error: ${path}: invalid YAML: Map keys must be unique`);
  });

  test("rejects a YAML section header left with only comments under it (null, not a table)", () => {
    const path = file("null-section.yaml", `${VALID_YAML}sip:\n  # username: "1001"\n`);
    expect(errorsOf(loadConfig({ path, env: {} }))).toEqual([
      "config error: sip: must be a table/object (got null)",
    ]);
  });

  test("rejects a YAML file whose top level is a list", () => {
    const path = file("list.yaml", "- listen\n- webhook\n");
    expect(errorsOf(loadConfig({ path, env: {} }))).toEqual([
      `config error: ${path}: the top level must be a table/mapping`,
    ]);
  });

  test("treats an empty file as an empty tree, so the required keys are named", () => {
    for (const name of ["empty.yaml", "empty.toml"]) {
      expect(errorsOf(loadConfig({ path: file(name, ""), env: {} }))).toEqual([
        "config error: listen.http: is required",
        "config error: webhook.url: is required",
      ]);
    }
  });
});

describe.skipIf(skipWithout("openssl"))("config tls pair", () => {
  let tlsDir = "";
  const pem = (name: string) => join(tlsDir, name);
  beforeAll(async () => {
    tlsDir = join(dir.dir, "tls");
    mkdirSync(tlsDir);
    await makeTlsPair(tlsDir, "a");
    await makeTlsPair(tlsDir, "b");
    writeFileSync(pem("garbage.key"), "not a key\n");
  });

  const tlsYaml = (cert: string, key: string) => `${VALID_YAML}tls: { cert: "${cert}", key: "${key}" }\n`;

  for (const format of FORMATS) {
    test(`loads a matching certificate and key and keeps their PEM text (${format})`, () => {
      const r = dir.load("tls-ok", tlsYaml(pem("a.crt"), pem("a.key")))[format];
      if (!r.ok) throw new Error(r.errors.join("\n"));
      expect(r.config.tls?.certPath).toBe(pem("a.crt"));
      expect(r.config.tls?.keyPath).toBe(pem("a.key"));
      expect(r.config.tls?.cert).toStartWith("-----BEGIN CERTIFICATE-----");
      expect(r.config.tls?.key).toContain("PRIVATE KEY-----");
    });

    test(`rejects a certificate with another pair's key (${format})`, () => {
      const r = dir.load("tls-mismatch", tlsYaml(pem("a.crt"), pem("b.key")))[format];
      expect(errorsOf(r)).toEqual([
        "config error: tls.cert: the certificate does not match the private key in tls.key",
      ]);
    });

    test(`rejects an unreadable certificate file (${format})`, () => {
      const missing = pem("missing.crt");
      const r = dir.load("tls-unreadable", tlsYaml(missing, pem("a.key")))[format];
      expect(errorsOf(r)).toEqual([
        `config error: tls.cert: cannot read "${missing}" (ENOENT: no such file or directory, open '${missing}')`,
      ]);
    });

    test(`rejects a key file where the certificate belongs (${format})`, () => {
      const r = dir.load("tls-swapped", tlsYaml(pem("a.key"), pem("a.key")))[format];
      const errors = errorsOf(r);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toStartWith(`config error: tls.cert: "${pem("a.key")}" is not a PEM certificate (`);
    });

    test(`rejects a key file that is not PEM (${format})`, () => {
      const r = dir.load("tls-garbage", tlsYaml(pem("a.crt"), pem("garbage.key")))[format];
      const errors = errorsOf(r);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toStartWith(
        `config error: tls.key: "${pem("garbage.key")}" is not a PEM private key (`,
      );
    });
  }

  test("XBRIDGE_TLS_CERT and XBRIDGE_TLS_KEY set TLS without a tls block in the file", () => {
    copyFileSync(pem("a.crt"), pem("env.crt"));
    const r = loadConfig({
      env: { XBRIDGE_TLS_CERT: pem("env.crt"), XBRIDGE_TLS_KEY: pem("a.key") },
    });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.config.tls?.certPath).toBe(pem("env.crt"));
    expect(r.config.tls?.keyPath).toBe(pem("a.key"));
  });

  test("an unreadable file named by XBRIDGE_TLS_KEY is reported under the variable", () => {
    const missing = pem("nope.key");
    const r = loadConfig({ env: { XBRIDGE_TLS_CERT: pem("a.crt"), XBRIDGE_TLS_KEY: missing } });
    expect(errorsOf(r)).toEqual([
      `config error: XBRIDGE_TLS_KEY: cannot read "${missing}" (ENOENT: no such file or directory, open '${missing}')`,
    ]);
  });

  test("XBRIDGE_TLS_CERT overrides only the certificate path of the file's pair", () => {
    copyFileSync(pem("b.crt"), pem("override.crt"));
    const r = dir.load("tls-env", tlsYaml(pem("a.crt"), pem("b.key")), {
      XBRIDGE_TLS_CERT: pem("override.crt"),
    });
    for (const format of FORMATS) {
      const one = r[format];
      if (!one.ok) throw new Error(one.errors.join("\n"));
      expect(one.config.tls?.certPath).toBe(pem("override.crt"));
      expect(one.config.tls?.keyPath).toBe(pem("b.key"));
    }
  });
});
