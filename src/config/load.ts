/**
 * Loading the configuration (spec/config.md §1): read the file (format by extension), apply
 * the `XBRIDGE_*` overrides, validate the whole tree, check the TLS pair. Nothing here opens a
 * socket; the caller prints the error lines and exits 1.
 */

import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { applyEnv } from "./env.ts";
import { formatIssues } from "./issues.ts";
import { rawConfigSchema } from "./schema.ts";
import type { ConfigResult, TlsConfig } from "./types.ts";
import { validate } from "./validate.ts";

export interface LoadOptions {
  /** Config file; absent → defaults plus environment. */
  path?: string;
  env: Record<string, string | undefined>;
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.trim();
}

function readTree(path: string): Record<string, unknown> | string {
  const ext = extname(path).toLowerCase();
  if (ext !== ".yaml" && ext !== ".yml" && ext !== ".toml") {
    return `config error: ${path}: unsupported config format "${ext || "(none)"}" (expected .yaml, .yml or .toml)`;
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    return `config error: ${path}: cannot read file (${code === "ENOENT" ? "no such file" : message(e)})`;
  }
  let tree: unknown;
  try {
    tree = ext === ".toml" ? Bun.TOML.parse(text) : parseYaml(text);
  } catch (e) {
    return `config error: ${path}: invalid ${ext === ".toml" ? "TOML" : "YAML"}: ${message(e)}`;
  }
  if (tree === null || tree === undefined) return {};
  if (typeof tree !== "object" || Array.isArray(tree))
    return `config error: ${path}: the top level must be a table/mapping`;
  return tree as Record<string, unknown>;
}

function loadTls(
  cert: string | undefined,
  key: string | undefined,
  sources: ReadonlyMap<string, string>,
): TlsConfig | string[] | undefined {
  const name = (k: string) => sources.get(`tls.${k}`) ?? `tls.${k}`;
  if (!cert && !key) return undefined;
  if (!cert || !key)
    return [`config error: ${name(cert ? "key" : "cert")}: tls.cert and tls.key must be set together`];
  const read = (path: string, k: string): string | string[] => {
    try {
      return readFileSync(path, "utf8");
    } catch (e) {
      return [`config error: ${name(k)}: cannot read "${path}" (${message(e)})`];
    }
  };
  const certPem = read(cert, "cert");
  const keyPem = read(key, "key");
  if (Array.isArray(certPem) || Array.isArray(keyPem)) {
    return [...(Array.isArray(certPem) ? certPem : []), ...(Array.isArray(keyPem) ? keyPem : [])];
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch (e) {
    return [`config error: ${name("cert")}: "${cert}" is not a PEM certificate (${message(e)})`];
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) {
      return [`config error: ${name("cert")}: the certificate does not match the private key in tls.key`];
    }
  } catch (e) {
    return [`config error: ${name("key")}: "${key}" is not a PEM private key (${message(e)})`];
  }
  return { certPath: cert, keyPath: key, cert: certPem, key: keyPem };
}

export function loadConfig(opts: LoadOptions): ConfigResult {
  let tree: Record<string, unknown> = {};
  if (opts.path !== undefined) {
    const t = readTree(opts.path);
    if (typeof t === "string") return { ok: false, errors: [t] };
    tree = t;
  }
  const env = applyEnv(tree, opts.env);
  const parsed = rawConfigSchema.safeParse(env.tree);
  if (!parsed.success) {
    return { ok: false, errors: [...env.errors, ...formatIssues(parsed.error, env.tree, env.sources)] };
  }
  const v = validate(parsed.data, opts.path !== undefined, env.sources);
  const tls = loadTls(parsed.data.tls?.cert, parsed.data.tls?.key, env.sources);
  const errors = [...env.errors, ...v.errors, ...(Array.isArray(tls) ? tls : [])];
  if (errors.length > 0 || v.config === undefined) return { ok: false, errors };
  const config = tls === undefined || Array.isArray(tls) ? v.config : { ...v.config, tls };
  return { ok: true, config, warnings: [...env.warnings, ...v.warnings] };
}
