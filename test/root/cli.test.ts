import { describe, expect, test } from "bun:test";
import { parseArgs } from "../../src/cli.ts";

describe("xbridge command line", () => {
  test("accepts --config PATH and --config=PATH", () => {
    expect(parseArgs(["--config", "a.toml"])).toEqual({
      ok: true,
      value: { kind: "run", configPath: "a.toml" },
    });
    expect(parseArgs(["--config=b.yaml"])).toEqual({
      ok: true,
      value: { kind: "run", configPath: "b.yaml" },
    });
  });

  test("runs on defaults and environment when no --config is given", () => {
    expect(parseArgs([])).toEqual({ ok: true, value: { kind: "run", configPath: undefined } });
  });

  test("--check-config validates instead of running", () => {
    expect(parseArgs(["--check-config", "--config", "x.toml"])).toEqual({
      ok: true,
      value: { kind: "check-config", configPath: "x.toml" },
    });
  });

  test("--version and --help win over other arguments", () => {
    expect(parseArgs(["--config", "x.toml", "--version"])).toEqual({ ok: true, value: { kind: "version" } });
    expect(parseArgs(["--help"])).toEqual({ ok: true, value: { kind: "help" } });
  });

  test("rejects a --config without a path and unknown arguments", () => {
    expect(parseArgs(["--config"])).toEqual({ ok: false, error: "--config needs a file path" });
    expect(parseArgs(["--config="])).toEqual({ ok: false, error: "--config needs a file path" });
    expect(parseArgs(["--config", "--version"]).ok).toBe(false);
    expect(parseArgs(["--frobnicate"])).toEqual({
      ok: false,
      error: 'unknown argument "--frobnicate" (see --help)',
    });
  });
});
