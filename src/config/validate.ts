/**
 * Value and cross-key rules of spec/config.md §2 on a tree that already has the right shape
 * (schema.ts), producing the normalised `Config`. Every problem is collected, not just the first.
 */
import { type Cidr, parseCidr, parseIp } from "../lib/ip.ts";
import type { RawConfig, RawPeer, RawSip } from "./schema.ts";
import type { CodecName, Config, PeerConfig, RtpPortRange, ServerConfig, TrunkConfig } from "./types.ts";
import { checkHttpUrl, parseCodecName, parseDuration, parseHostPort, parseListenAddr } from "./values.ts";

export interface Validated {
  config?: Omit<Config, "tls">;
  errors: string[];
  warnings: string[];
}

class Collector {
  readonly errors: string[] = [];
  constructor(private readonly sources: ReadonlyMap<string, string>) {}
  bad(path: string, problem: string): void {
    this.errors.push(`config error: ${this.sources.get(path) ?? path}: ${problem}`);
  }
}

function rtpRange(c: Collector, prefix: string, min = 0, max = 0): RtpPortRange {
  if (min === 0 && max === 0) return { min, max };
  if (min === 0 || max === 0) {
    c.bad(
      `${prefix}.${min === 0 ? "rtp_port_min" : "rtp_port_max"}`,
      "set both rtp_port_min and rtp_port_max, or neither",
    );
  } else if (min < 1024) {
    c.bad(`${prefix}.rtp_port_min`, `must be ≥ 1024 (got ${min})`);
  } else if (min >= max) {
    c.bad(
      `${prefix}.rtp_port_min`,
      `must be lower than rtp_port_max (${min} ≥ ${max}); the range needs at least 2 ports`,
    );
  }
  return { min, max };
}

function trunk(c: Collector, prefix: string, name: string, s: RawSip): TrunkConfig {
  const transport = s.transport ?? "udp";
  // The sip block only becomes a trunk once its username is set; a trunks[] entry always is one.
  const required = prefix === "sip" ? "is required when sip.username is set" : "is required";
  for (const k of ["password", "host"] as const) {
    if ((s[k] ?? "") === "") c.bad(`${prefix}.${k}`, required);
  }
  const hp = parseHostPort(s.host ?? "", transport === "tls" ? 5061 : 5060);
  if (s.host && typeof hp === "string") c.bad(`${prefix}.host`, hp);
  const t: TrunkConfig = {
    name,
    username: s.username ?? "",
    password: s.password ?? "",
    host: typeof hp === "string" ? (s.host ?? "") : hp.host,
    port: typeof hp === "string" ? 0 : hp.port,
    transport,
    rtpPorts: rtpRange(c, prefix, s.rtp_port_min, s.rtp_port_max),
    srtp: s.srtp ?? false,
  };
  if (s.stun_server !== undefined && s.stun_server !== "") {
    const st = parseHostPort(s.stun_server, 3478);
    if (typeof st === "string") c.bad(`${prefix}.stun_server`, st);
    else t.stunServer = st;
  }
  return t;
}

function ipValue(c: Collector, path: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (parseIp(v) === undefined) c.bad(path, `"${v}" is not an IP address`);
  // parseIp accepts "[v6]" and surrounding blanks; keep the bare literal, because it becomes a
  // socket address and an SDP c= address, and SIP URIs add their own brackets.
  return v.trim().replace(/^\[(.*)\]$/, "$1");
}

function peer(c: Collector, p: RawPeer, i: number): PeerConfig {
  const at = `server.peers[${i}]`;
  if (p.name.trim() === "") c.bad(`${at}.name`, "must not be empty");
  const hosts: Cidr[] = [];
  (p.hosts ?? []).forEach((h, j) => {
    const cidr = parseCidr(h);
    if (typeof cidr === "string") c.bad(`${at}.hosts[${j}]`, cidr);
    else hosts.push(cidr);
  });
  const codecs: CodecName[] = [];
  (p.codecs ?? []).forEach((name, j) => {
    const codec = parseCodecName(name);
    if (codec === "pcmu" || codec === "pcma" || codec === "g722" || codec === "opus") {
      if (!codecs.includes(codec)) codecs.push(codec);
    } else c.bad(`${at}.codecs[${j}]`, codec);
  });
  const out: PeerConfig = { name: p.name, hosts, port: p.port ?? 5060, codecs };
  const host = ipValue(c, `${at}.host`, p.host);
  if (host !== undefined) out.host = host;
  const rtpAddress = ipValue(c, `${at}.rtp_address`, p.rtp_address);
  if (rtpAddress !== undefined) out.rtpAddress = rtpAddress;
  if (p.auth !== undefined) {
    const { username, password } = p.auth;
    if (!username) c.bad(`${at}.auth.username`, "is required when auth is present");
    if (!password) c.bad(`${at}.auth.password`, "is required when auth is present");
    if (username && password) out.auth = { username, password };
  }
  if (p.host === undefined && (p.hosts ?? []).length === 0 && p.auth === undefined) {
    c.bad(at, "a peer needs at least one of host, hosts, auth");
  }
  return out;
}

function server(c: Collector, s: NonNullable<RawConfig["server"]>): ServerConfig | undefined {
  if (s.listen === undefined) {
    c.bad("server.listen", "is required when server is present");
    return undefined;
  }
  const listen = parseListenAddr(s.listen);
  if (typeof listen === "string") {
    c.bad("server.listen", listen);
    return undefined;
  }
  const out: ServerConfig = {
    listen,
    rtpPorts: rtpRange(c, "server", s.rtp_port_min, s.rtp_port_max),
    peers: (s.peers ?? []).map((p, i) => peer(c, p, i)),
  };
  const rtpAddress = ipValue(c, "server.rtp_address", s.rtp_address);
  if (rtpAddress !== undefined) out.rtpAddress = rtpAddress;
  return out;
}

function checkNames(
  c: Collector,
  trunks: TrunkConfig[],
  rawTrunks: boolean,
  srv: ServerConfig | undefined,
): void {
  const seen = new Map<string, string>();
  trunks.forEach((t, i) => {
    const at = rawTrunks ? `trunks[${i}].name` : "sip";
    if (rawTrunks && t.name.trim() === "") c.bad(at, "must not be empty");
    const prev = seen.get(t.name);
    if (prev !== undefined) c.bad(at, `"${t.name}" is already used by ${prev}`);
    else seen.set(t.name, at);
  });
  srv?.peers.forEach((p, i) => {
    const at = `server.peers[${i}].name`;
    const prev = seen.get(p.name);
    if (prev !== undefined)
      c.bad(at, `"${p.name}" is already used by ${prev} (trunk and peer names share one namespace)`);
    else seen.set(p.name, at);
  });
}

function checkListenOutsideRtp(c: Collector, srv: ServerConfig | undefined, trunks: TrunkConfig[]): void {
  if (srv === undefined || srv.listen.port === 0) return;
  const ranges: Array<[string, RtpPortRange]> = [
    ["server", srv.rtpPorts],
    ...trunks.map((t) => [t.name, t.rtpPorts] as [string, RtpPortRange]),
  ];
  for (const [owner, r] of ranges) {
    if (r.min !== 0 && srv.listen.port >= r.min && srv.listen.port <= r.max) {
      c.bad(
        "server.listen",
        `port ${srv.listen.port} lies inside the RTP port range of ${owner} (${r.min}–${r.max})`,
      );
    }
  }
}

export function validate(raw: RawConfig, fromFile: boolean, sources: ReadonlyMap<string, string>): Validated {
  const c = new Collector(sources);
  const warnings: string[] = [];

  const httpText = raw.listen?.http ?? (fromFile ? undefined : "0.0.0.0:8080");
  let http = { host: "0.0.0.0", port: 8080 };
  if (httpText === undefined) c.bad("listen.http", "is required");
  else {
    const a = parseListenAddr(httpText);
    if (typeof a === "string") c.bad("listen.http", a);
    else http = a;
  }

  const rawTrunks = raw.trunks ?? [];
  let trunks: TrunkConfig[];
  if (rawTrunks.length > 0) {
    if ((raw.sip?.username ?? "") !== "") warnings.push("the sip block is ignored because trunks is set");
    trunks = rawTrunks.map((t, i) => trunk(c, `trunks[${i}]`, t.name, t));
    rawTrunks.forEach((t, i) => {
      if ((t.username ?? "") === "") c.bad(`trunks[${i}].username`, "is required");
    });
  } else if ((raw.sip?.username ?? "") !== "") {
    trunks = [trunk(c, "sip", "default", raw.sip ?? {})];
  } else {
    trunks = [];
    if (raw.sip?.password || raw.sip?.host)
      c.bad("sip.username", "is required when sip.password or sip.host is set");
  }

  const srv = raw.server === undefined ? undefined : server(c, raw.server);
  checkNames(c, trunks, rawTrunks.length > 0, srv);
  checkListenOutsideRtp(c, srv, trunks);
  if (trunks.length === 0 && raw.server === undefined) {
    warnings.push("neither sip, trunks nor server is configured: only the REST API and WebSockets run");
  }

  const url = raw.webhook?.url ?? (fromFile ? undefined : "http://localhost:3000/events");
  if (url === undefined) c.bad("webhook.url", "is required");
  else {
    const problem = checkHttpUrl(url);
    if (problem !== undefined) c.bad("webhook.url", problem);
  }
  let timeoutMs = 5000;
  if (raw.webhook?.timeout !== undefined) {
    const d = parseDuration(raw.webhook.timeout);
    if (typeof d === "string") c.bad("webhook.timeout", d);
    else if (d < 100 || d > 60_000)
      c.bad("webhook.timeout", `must be between 100ms and 60s (got "${raw.webhook.timeout}")`);
    else timeoutMs = d;
  }

  if (raw.stream?.sample_rate !== undefined && raw.stream.sample_rate !== 8000) {
    c.bad("stream.sample_rate", `only 8000 is supported (got ${raw.stream.sample_rate})`);
  }
  if (raw.auth?.api_key !== undefined && raw.auth.api_key.trim() === "")
    c.bad("auth.api_key", "must not be empty");
  const rps = raw.rate_limit?.requests_per_second;
  if (rps !== undefined && rps < 1) c.bad("rate_limit.requests_per_second", `must be ≥ 1 (got ${rps})`);

  if (c.errors.length > 0) return { errors: c.errors, warnings };
  const config: Omit<Config, "tls"> = {
    file: fromFile,
    listen: { http },
    trunks,
    webhook: { url: url ?? "", timeoutMs, retry: raw.webhook?.retry ?? 1 },
    stream: { encoding: raw.stream?.encoding ?? "audio/x-mulaw", sampleRate: 8000 },
    auth: raw.auth?.api_key === undefined ? {} : { apiKey: raw.auth.api_key },
    rateLimit: rps === undefined ? {} : { requestsPerSecond: rps },
  };
  if (srv !== undefined) config.server = srv;
  return { config, errors: [], warnings };
}
