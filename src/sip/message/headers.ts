/**
 * Header access on a parsed message (RFC 3261 §7.3): names compare case-insensitively and a
 * compact form equals its long form (§7.3.3); a comma-separated list equals repeated header
 * lines (§7.3.1). The edit helpers never mutate: they return a copy of the message with a new
 * header array, so a message shared between layers (retransmission buffers) stays intact.
 */
import { parseCSeq } from "./cseq.ts";
import { parseNameAddr } from "./name-addr.ts";
import { splitTopLevel } from "./text.ts";
import { COMPACT_FORMS, type CSeq, type Header, type NameAddr, type SipMessage, type Via } from "./types.ts";
import { parseVia, serializeVia } from "./via.ts";

/** Lowercase long form of a header name: `v` → `via`, `Call-ID` → `call-id`. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT_FORMS[lower]?.toLowerCase() ?? lower) : lower;
}

/**
 * Headers whose grammar is a comma-separated list (RFC 3261 §20 and common extensions). Others —
 * Date, WWW-Authenticate, Authorization, User-Agent, unknown names… — may hold commas that do
 * not separate values (§7.3.1), so `getHeaders` never splits them.
 */
const LIST_HEADERS = new Set([
  "via",
  "contact",
  "route",
  "record-route",
  "allow",
  "supported",
  "require",
  "proxy-require",
  "unsupported",
  "accept",
  "accept-encoding",
  "accept-language",
  "content-encoding",
  "content-language",
  "allow-events",
  "alert-info",
  "call-info",
  "error-info",
  "in-reply-to",
  "warning",
  "path",
  "service-route",
  "reason",
  "p-asserted-identity",
  "p-preferred-identity",
  "history-info",
]);

/** First value of the header, list headers split to their first element; case-insensitive. */
export function getHeader(msg: SipMessage, name: string): string | undefined {
  const key = canonicalName(name);
  for (const h of msg.headers) {
    if (canonicalName(h.name) !== key) continue;
    if (!LIST_HEADERS.has(key)) return h.value;
    return splitTopLevel(h.value, ",")?.[0] ?? h.value;
  }
  return undefined;
}

/** Every value in wire order; list headers are split on commas outside quotes and `<>`. */
export function getHeaders(msg: SipMessage, name: string): string[] {
  const key = canonicalName(name);
  const split = LIST_HEADERS.has(key);
  const out: string[] = [];
  for (const h of msg.headers) {
    if (canonicalName(h.name) !== key) continue;
    if (!split) out.push(h.value);
    else for (const v of splitTopLevel(h.value, ",") ?? [h.value]) if (v !== "") out.push(v);
  }
  return out;
}

export function hasHeader(msg: SipMessage, name: string): boolean {
  const key = canonicalName(name);
  return msg.headers.some((h) => canonicalName(h.name) === key);
}

/** Copy without any header of that name (long or compact form). */
export function removeHeader<T extends SipMessage>(msg: T, name: string): T {
  const key = canonicalName(name);
  return { ...msg, headers: msg.headers.filter((h) => canonicalName(h.name) !== key) };
}

/** Copy with one header line appended (or, with `top`, inserted before the first of its name). */
export function addHeader<T extends SipMessage>(msg: T, name: string, value: string, top = false): T {
  const headers = msg.headers.slice();
  const entry: Header = { name, value };
  if (!top) headers.push(entry);
  else {
    const key = canonicalName(name);
    const at = headers.findIndex((h) => canonicalName(h.name) === key);
    headers.splice(at < 0 ? headers.length : at, 0, entry);
  }
  return { ...msg, headers };
}

/** Copy where the first header of that name gets `value` and the others are dropped (or appended if absent). */
export function setHeader<T extends SipMessage>(msg: T, name: string, value: string): T {
  const key = canonicalName(name);
  const headers: Header[] = [];
  let done = false;
  for (const h of msg.headers) {
    if (canonicalName(h.name) !== key) headers.push(h);
    else if (!done) {
      headers.push({ name: h.name, value });
      done = true;
    }
  }
  if (!done) headers.push({ name, value });
  return { ...msg, headers };
}

/** The topmost Via (RFC 3261 §18.2.1, §17.2.3 use it to match and route responses). */
export function topVia(msg: SipMessage): Via | undefined {
  const v = getHeader(msg, "via");
  if (v === undefined) return undefined;
  const r = parseVia(v);
  return r.ok ? r.value : undefined;
}

/**
 * Copy with the topmost Via value replaced, e.g. to add `received`/`rport` (RFC 3261 §18.2.1,
 * RFC 3581 §4). Other values in the same comma-separated line are kept.
 */
export function withTopVia<T extends SipMessage>(msg: T, via: Via): T {
  const i = msg.headers.findIndex((h) => canonicalName(h.name) === "via");
  if (i < 0) return addHeader(msg, "Via", serializeVia(via), true);
  const parts = splitTopLevel(msg.headers[i]!.value, ",") ?? [];
  parts[0] = serializeVia(via);
  const headers = msg.headers.slice();
  headers[i] = { name: msg.headers[i]!.name, value: parts.join(", ") };
  return { ...msg, headers };
}

export function getCSeq(msg: SipMessage): CSeq | undefined {
  const v = getHeader(msg, "cseq");
  if (v === undefined) return undefined;
  const r = parseCSeq(v);
  return r.ok ? r.value : undefined;
}

/** From, To, Contact… parsed as a name-addr; undefined when absent or malformed. */
export function getNameAddr(msg: SipMessage, name: string): NameAddr | undefined {
  const v = getHeader(msg, name);
  if (v === undefined) return undefined;
  const r = parseNameAddr(v);
  return r.ok ? r.value : undefined;
}

/** The `tag` parameter of From or To (RFC 3261 §19.3), if any. */
export function getTag(msg: SipMessage, name: "from" | "to"): string | undefined {
  return getNameAddr(msg, name)?.params.get("tag") ?? undefined;
}
