/**
 * `XBRIDGE_*` environment overrides (spec/config.md §4): exactly these 18 variables, applied to
 * the parsed file tree before validation, so precedence is env > file > default. An empty
 * variable counts as unset. A value that cannot be converted is an error naming the variable.
 */
import { parseDuration } from "./values.ts";

type Kind = "string" | "bool" | "port" | "retry" | "int" | "rps" | "duration";

/** Variable → [section, key, kind]. */
const VARIABLES: ReadonlyArray<readonly [string, string, string, Kind]> = [
  ["XBRIDGE_LISTEN_HTTP", "listen", "http", "string"],
  ["XBRIDGE_SIP_USERNAME", "sip", "username", "string"],
  ["XBRIDGE_SIP_PASSWORD", "sip", "password", "string"],
  ["XBRIDGE_SIP_HOST", "sip", "host", "string"],
  ["XBRIDGE_SIP_TRANSPORT", "sip", "transport", "string"],
  ["XBRIDGE_SIP_SRTP", "sip", "srtp", "bool"],
  ["XBRIDGE_SIP_STUN_SERVER", "sip", "stun_server", "string"],
  ["XBRIDGE_SIP_RTP_PORT_MIN", "sip", "rtp_port_min", "port"],
  ["XBRIDGE_SIP_RTP_PORT_MAX", "sip", "rtp_port_max", "port"],
  ["XBRIDGE_WEBHOOK_URL", "webhook", "url", "string"],
  ["XBRIDGE_WEBHOOK_TIMEOUT", "webhook", "timeout", "duration"],
  ["XBRIDGE_WEBHOOK_RETRY", "webhook", "retry", "retry"],
  ["XBRIDGE_STREAM_ENCODING", "stream", "encoding", "string"],
  ["XBRIDGE_STREAM_SAMPLE_RATE", "stream", "sample_rate", "int"],
  ["XBRIDGE_AUTH_API_KEY", "auth", "api_key", "string"],
  ["XBRIDGE_RATE_LIMIT_RPS", "rate_limit", "requests_per_second", "rps"],
  ["XBRIDGE_TLS_CERT", "tls", "cert", "string"],
  ["XBRIDGE_TLS_KEY", "tls", "key", "string"],
];

export interface EnvApplied {
  tree: Record<string, unknown>;
  errors: string[];
  warnings: string[];
  /** Key path (`sip.host`) → the variable that set it, so later errors can name the variable. */
  sources: Map<string, string>;
}

function convert(kind: Kind, v: string): unknown | { problem: string } {
  const int = /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
  switch (kind) {
    case "string":
      return v;
    case "bool": {
      const t = v.trim().toLowerCase();
      if (t === "true" || t === "1") return true;
      if (t === "false" || t === "0") return false;
      return { problem: `"${v}" is not a boolean (true, false, 1, 0)` };
    }
    case "port":
      return int >= 0 && int <= 65535 ? int : { problem: `"${v}" is not an integer 0–65535` };
    case "retry":
      return int >= 0 && int <= 10 ? int : { problem: `"${v}" is not an integer 0–10` };
    case "int":
      return Number.isInteger(int) ? int : { problem: `"${v}" is not an integer` };
    case "rps":
      return int >= 1 ? int : { problem: `"${v}" is not an integer ≥ 1` };
    case "duration": {
      const d = parseDuration(v);
      return typeof d === "string" ? { problem: d } : v.trim();
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function applyEnv(tree: Record<string, unknown>, env: Record<string, string | undefined>): EnvApplied {
  const out: Record<string, unknown> = { ...tree };
  const errors: string[] = [];
  const warnings: string[] = [];
  const sources = new Map<string, string>();
  const trunksSet = Array.isArray(out.trunks) && out.trunks.length > 0;
  for (const [name, section, key, kind] of VARIABLES) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    if (section === "sip" && trunksSet) {
      warnings.push(`${name} has no effect because trunks is set`);
      continue;
    }
    const converted = convert(kind, value);
    if (isObject(converted) && "problem" in converted) {
      errors.push(`config error: ${name}: ${String(converted.problem)}`);
      continue;
    }
    const current = out[section];
    // A non-object section is left alone: validation reports the file's wrong type.
    if (current !== undefined && !isObject(current)) continue;
    out[section] = { ...(current ?? {}), [key]: converted };
    sources.set(`${section}.${key}`, name);
  }
  return { tree: out, errors, warnings, sources };
}
