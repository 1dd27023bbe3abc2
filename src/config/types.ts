/**
 * The validated, normalised configuration (spec/config.md §2). Only `src/app.ts` reads it and
 * maps it onto each module's small options type (DESIGN.md rule 4).
 */
import type { Cidr } from "../lib/ip.ts";

export interface Addr {
  /** IP literal or hostname; IPv6 without brackets. */
  host: string;
  /** 0 = any free port. */
  port: number;
}

export type SipTransport = "udp" | "tcp" | "tls";
export type CodecName = "pcmu" | "pcma" | "g722" | "opus";
export type StreamEncoding = "audio/x-mulaw" | "audio/x-l16";

/** RTP port range; `{0, 0}` means OS-assigned ports. */
export interface RtpPortRange {
  min: number;
  max: number;
}

/** One registration (a `trunks[]` entry, or the legacy `sip` block as trunk `default`). */
export interface TrunkConfig {
  name: string;
  username: string;
  password: string;
  /** Registrar/proxy host as written (hostname or IP). */
  host: string;
  /** Port from `host:port`, else 5060 (udp/tcp) or 5061 (tls). */
  port: number;
  transport: SipTransport;
  rtpPorts: RtpPortRange;
  srtp: boolean;
  stunServer?: Addr;
}

export interface PeerConfig {
  name: string;
  /** Single allowed source IP, also the target for outbound calls. */
  host?: string;
  /** Allowed source blocks (`hosts`), parsed. */
  hosts: Cidr[];
  port: number;
  auth?: { username: string; password: string };
  /** Allowlist; empty = every codec. */
  codecs: CodecName[];
  rtpAddress?: string;
}

export interface ServerConfig {
  listen: Addr;
  rtpPorts: RtpPortRange;
  rtpAddress?: string;
  peers: PeerConfig[];
}

export interface TlsConfig {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export interface Config {
  /** True when loaded from a file (false: defaults + environment only). */
  file: boolean;
  listen: { http: Addr };
  trunks: TrunkConfig[];
  server?: ServerConfig;
  webhook: { url: string; timeoutMs: number; retry: number };
  stream: { encoding: StreamEncoding; sampleRate: 8000 };
  auth: { apiKey?: string };
  rateLimit: { requestsPerSecond?: number };
  tls?: TlsConfig;
}

export type ConfigResult = { ok: true; config: Config; warnings: string[] } | { ok: false; errors: string[] };
