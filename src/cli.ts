/**
 * Command-line parsing for `xbridge` (spec/README.md "Process lifecycle", config.md §1).
 * Pure: argv in, a decision out; main.ts does the printing and exiting.
 */
import { err, ok, type Result } from "./lib/result.ts";

export type CliCommand =
  | { kind: "run"; configPath?: string }
  | { kind: "check-config"; configPath?: string }
  | { kind: "version" }
  | { kind: "help" };

export const USAGE = `Usage: xbridge [--config FILE] [--check-config]

Self-hosted SIP to WebSocket voice gateway.

Options:
  --config FILE, --config=FILE   configuration file (.toml, .yaml or .yml); without it the
                                 built-in defaults plus XBRIDGE_* environment variables are used
  --check-config                 validate the configuration, print "config ok" and exit
  --version                      print the version and exit
  --help                         print this help and exit

Environment: XBRIDGE_* overrides (see docs/configuration.md), XBRIDGE_LOG_LEVEL
(error|warn|info|debug|trace, default info).
Exit codes: 0 clean exit, 1 configuration, usage or startup error.`;

/** Parses process arguments (without the runtime and script path). */
export function parseArgs(argv: readonly string[]): Result<CliCommand, string> {
  let configPath: string | undefined;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") return ok({ kind: "help" });
    if (a === "--version" || a === "-v") return ok({ kind: "version" });
    if (a === "--check-config") {
      check = true;
    } else if (a === "--config") {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) return err("--config needs a file path");
      configPath = next;
      i++;
    } else if (a.startsWith("--config=")) {
      configPath = a.slice("--config=".length);
      if (configPath === "") return err("--config needs a file path");
    } else {
      return err(`unknown argument "${a}" (see --help)`);
    }
  }
  return ok(check ? { kind: "check-config", configPath } : { kind: "run", configPath });
}
