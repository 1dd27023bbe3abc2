/**
 * Parsers for the scalar value types of spec/config.md §2: duration, addr, host[:port], URL,
 * codec names. Each returns the value or a problem sentence (the caller adds the key path).
 */
import { parseIp } from "../lib/ip.ts";
import type { Addr, CodecName } from "./types.ts";

/** `"500ms"`, `"5s"`, `"2m"` → milliseconds. */
export function parseDuration(s: string): number | string {
  const m = /^(\d+)(ms|s|m)$/.exec(s.trim());
  if (m === null) return `"${s}" is not a duration (use e.g. "500ms", "5s", "1m")`;
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

function parsePort(p: string, text: string, allowZero: boolean): number | string {
  if (!/^\d{1,5}$/.test(p)) return `"${text}" has no valid port`;
  const n = Number(p);
  if (n > 65535 || (!allowZero && n === 0)) return `"${text}" has a port outside 1–65535`;
  return n;
}

/** Splits `host:port` / `[v6]:port` / `host` (port optional when `defaultPort` is given). */
export function parseHostPort(text: string, defaultPort?: number, allowZeroPort = false): Addr | string {
  const s = text.trim();
  if (s === "") return "must not be empty";
  let host: string;
  let port: string | undefined;
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close < 0) return `"${text}" has an unclosed IPv6 bracket`;
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return `"${text}" is not host:port`;
      port = rest.slice(1);
    }
    if (parseIp(host)?.family !== 6) return `"${text}" has an invalid IPv6 address`;
  } else {
    const colons = s.split(":").length - 1;
    if (colons > 1) return `"${text}": write IPv6 addresses in brackets, e.g. "[::1]:5060"`;
    const i = s.lastIndexOf(":");
    host = i < 0 ? s : s.slice(0, i);
    port = i < 0 ? undefined : s.slice(i + 1);
    if (!/^[A-Za-z0-9.-]+$/.test(host)) return `"${text}" has an invalid host`;
  }
  if (port === undefined) {
    if (defaultPort === undefined) return `"${text}" needs a port (host:port)`;
    return { host, port: defaultPort };
  }
  const p = parsePort(port, text, allowZeroPort);
  return typeof p === "string" ? p : { host, port: p };
}

/** A listen address: `host:port` where host is an IP literal or `localhost`; port 0 = any free port. */
export function parseListenAddr(text: string): Addr | string {
  const a = parseHostPort(text, undefined, true);
  if (typeof a === "string") return a;
  if (a.host !== "localhost" && parseIp(a.host) === undefined) return `"${text}" needs an IP address as host`;
  return a;
}

export function checkHttpUrl(s: string): string | undefined {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return `"${s}" is not an absolute http:// or https:// URL`;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    return `"${s}" is not an absolute http:// or https:// URL`;
  return undefined;
}

const CODEC_ALIASES: Readonly<Record<string, CodecName>> = {
  ulaw: "pcmu",
  pcmu: "pcmu",
  mulaw: "pcmu",
  alaw: "pcma",
  pcma: "pcma",
  g722: "g722",
  opus: "opus",
};

export function parseCodecName(s: string): CodecName | string {
  return (
    CODEC_ALIASES[s.trim().toLowerCase()] ??
    `"${s}" is not a codec (ulaw, pcmu, mulaw, alaw, pcma, g722, opus)`
  );
}
