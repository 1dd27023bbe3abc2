/**
 * Runs one config case in both file formats: the case is written as YAML text, parsed, written
 * again as TOML with the tested writer (toml.ts), and both files go through `loadConfig` from
 * a temp dir, so every case checks that YAML and TOML share one tree (spec/config.md §1).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { type ConfigResult, loadConfig } from "../../../src/config/index.ts";
import { toToml } from "./toml.ts";

export const FORMATS = ["yaml", "toml"] as const;
export type Format = (typeof FORMATS)[number];

export interface CaseDir {
  dir: string;
  /** Writes `yamlText` as `<name>.yaml` and its TOML twin as `<name>.toml`; returns both paths. */
  write(name: string, yamlText: string): Record<Format, string>;
  /** Loads the case in both formats with `env` as the environment. */
  load(
    name: string,
    yamlText: string,
    env?: Record<string, string | undefined>,
  ): Record<Format, ConfigResult>;
  remove(): void;
}

export function createCaseDir(prefix = "xbridge-config-"): CaseDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const write = (name: string, yamlText: string): Record<Format, string> => {
    const tree: unknown = parseYaml(yamlText) ?? {};
    if (typeof tree !== "object" || tree === null || Array.isArray(tree))
      throw new Error(`case ${name}: YAML top level is not a mapping`);
    const paths = { yaml: join(dir, `${name}.yaml`), toml: join(dir, `${name}.toml`) };
    writeFileSync(paths.yaml, yamlText);
    writeFileSync(paths.toml, toToml(tree as Record<string, unknown>));
    return paths;
  };
  return {
    dir,
    write,
    load(name, yamlText, env = {}) {
      const paths = write(name, yamlText);
      return {
        yaml: loadConfig({ path: paths.yaml, env }),
        toml: loadConfig({ path: paths.toml, env }),
      };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error lines of a failed load, or `["<ok>"]` so a mistaken success shows in the diff. */
export function errorsOf(r: ConfigResult): string[] {
  return r.ok ? ["<ok>"] : r.errors;
}
