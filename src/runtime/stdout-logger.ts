/**
 * IO adapter: the `Logger` port as one JSON object per line on stdout
 * (`{"ts":"…","level":"info","msg":"…",…fields}`). Secret fields are replaced by "[redacted]".
 */
import { LOG_LEVELS, type LogFields, type Logger, type LogLevel, SECRET_FIELDS } from "../lib/logger.ts";

export type LineSink = (line: string) => void;

const stdoutSink: LineSink = (line) => {
  process.stdout.write(`${line}\n`);
};

function redact(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    if (SECRET_FIELDS.has(k)) out[k] = "[redacted]";
    else if (v instanceof Error) out[k] = v.message;
    else out[k] = v;
  }
  return out;
}

/** Parses `XBRIDGE_LOG_LEVEL`; unknown or empty values fall back to `info`. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const v = (value ?? "").trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : "info";
}

export function createStdoutLogger(
  level: LogLevel,
  sink: LineSink = stdoutSink,
  base: LogFields = {},
): Logger {
  const max = LOG_LEVELS.indexOf(level);
  const write = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(lvl) > max) return;
    const line = {
      ts: new Date().toISOString(),
      level: lvl,
      msg,
      ...redact(base),
      ...(fields ? redact(fields) : {}),
    };
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({ ts: line.ts, level: lvl, msg, note: "unserialisable fields" });
    }
    sink(text);
  };
  return {
    error: (m, f) => write("error", m, f),
    warn: (m, f) => write("warn", m, f),
    info: (m, f) => write("info", m, f),
    debug: (m, f) => write("debug", m, f),
    trace: (m, f) => write("trace", m, f),
    child: (fields) => createStdoutLogger(level, sink, { ...base, ...fields }),
    enabled: (lvl) => LOG_LEVELS.indexOf(lvl) <= max,
  };
}
