/**
 * Logger port: one structured event per call. The stdout JSON-lines implementation is in
 * `src/runtime/`. Fields named in {@link SECRET_FIELDS} are redacted by every implementation.
 */
export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";

export const LOG_LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug", "trace"];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  trace(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ call_id }`). */
  child(fields: LogFields): Logger;
  /** True when `level` would be written: guard costly field building on hot paths. */
  enabled(level: LogLevel): boolean;
}

/** Keys whose values never reach a log line (spec/README.md "Process lifecycle"). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "password",
  "api_key",
  "apiKey",
  "token",
  "authorization",
  "Authorization",
  "key",
  "secret",
]);

/** A logger that discards everything (tests, benchmarks). */
export const nullLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  trace() {},
  child() {
    return nullLogger;
  },
  enabled() {
    return false;
  },
};
