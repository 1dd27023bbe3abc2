/**
 * IP literals and CIDR blocks (RFC 4291 §2.2 text forms, RFC 4632 prefixes), used to validate
 * config and to match trunk-host peers by source address (spec/sip.md §3). IPv4-mapped IPv6
 * addresses (`::ffff:192.0.2.1`) are treated as the IPv4 address they carry, because a
 * dual-stack socket reports IPv4 peers in that form.
 */

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
  /** The text it was parsed from. */
  text: string;
}

function parseV4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === "0")) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function parseV6(s: string): Uint8Array | undefined {
  if (s.includes("%")) s = s.slice(0, s.indexOf("%")); // zone id: not part of the address
  let tail4: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    tail4 = parseV4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...Array<string>(8 - total).fill("0"), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const v = Number.parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
  if (tail4 !== undefined) out.set(tail4, 12);
  return out;
}

/** Parses an IPv4 or IPv6 literal (brackets allowed around IPv6). */
export function parseIp(text: string): IpAddress | undefined {
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (s.includes(":")) {
    const b = parseV6(s);
    return b === undefined ? undefined : { family: 6, bytes: b };
  }
  const b = parseV4(s);
  return b === undefined ? undefined : { family: 4, bytes: b };
}

/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`) → the IPv4 address; anything else unchanged. */
export function unmapIp(ip: IpAddress): IpAddress {
  if (ip.family !== 6) return ip;
  const b = ip.bytes;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return ip;
  if (b[10] !== 0xff || b[11] !== 0xff) return ip;
  return { family: 4, bytes: b.slice(12) };
}

/** Parses `a.b.c.d/n`, `x::/n`, or a bare IP (a host prefix: /32 or /128). */
export function parseCidr(text: string): Cidr | string {
  const s = text.trim();
  const slash = s.indexOf("/");
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (ip === undefined) return `"${text}" is not an IP address or CIDR`;
  const max = ip.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return `"${text}" is not an IP address or CIDR`;
    prefix = Number(p);
  }
  const un = unmapIp(ip);
  if (un !== ip && prefix >= 96) return { family: 4, bytes: un.bytes, prefix: prefix - 96, text: s };
  return { family: ip.family, bytes: ip.bytes, prefix, text: s };
}

/** True when `ip` lies inside `cidr` (IPv4-mapped IPv6 addresses match IPv4 blocks). */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  const a = unmapIp(ip);
  if (a.family !== cidr.family) return false;
  const full = cidr.prefix >> 3;
  for (let i = 0; i < full; i++) if (a.bytes[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a.bytes[full]! & mask) === (cidr.bytes[full]! & mask);
}

/** True for `0.0.0.0` and `::` (listen on every interface). */
export function isWildcard(ip: IpAddress): boolean {
  return ip.bytes.every((b) => b === 0);
}

/** A host for a URI or `host:port`: IPv6 literals in brackets (RFC 3986 §3.2.2, RFC 5118). */
export function uriHost(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}
