/**
 * Trunk-host policy (spec/sip.md §3–§4): which peer an out-of-dialog INVITE comes from (source
 * IP/CIDR in config order, then digest), what to answer requests outside any dialog (OPTIONS,
 * other methods, stray in-dialog requests), which address we advertise, and the URIs of an
 * INVITE to a peer. Pure functions; digest crypto and nonces come through `DigestPort`.
 */
import { type Cidr, cidrContains, isWildcard, parseIp, uriHost } from "../lib/ip.ts";
import type { CodecName } from "../sdp/index.ts";
import type { DigestPort } from "./ports.ts";

/** One `server.peers[]` entry as the call layer needs it (config PeerConfig fits as is). */
export interface TrunkPeer {
  readonly name: string;
  /** Single allowed source IP, also the target of outbound calls. */
  readonly host?: string;
  /** Allowed source blocks. */
  readonly hosts: readonly Cidr[];
  readonly port: number;
  readonly auth?: { readonly username: string; readonly password: string };
  /** Codec allowlist; empty = every codec (sip.md §4). */
  readonly codecs: readonly CodecName[];
  readonly rtpAddress?: string;
}

export type Admission =
  | { readonly kind: "peer"; readonly peer: TrunkPeer }
  /** `401 Unauthorized` with this `WWW-Authenticate` (step 3, or an expired nonce in step 2). */
  | { readonly kind: "challenge"; readonly wwwAuthenticate: string }
  /** `403 Forbidden` (step 2 failure or step 4). */
  | { readonly kind: "forbidden"; readonly reason: string };

/** True when `address` equals the peer's `host` or lies in one of its `hosts` (sip.md §3 step 1). */
export function peerMatchesSource(peer: TrunkPeer, address: string): boolean {
  const ip = parseIp(address);
  if (ip === undefined) return false;
  if (peer.host !== undefined) {
    const host = parseIp(peer.host);
    if (host !== undefined && cidrContains({ ...host, prefix: host.bytes.length * 8, text: peer.host }, ip)) {
      return true;
    }
  }
  return peer.hosts.some((cidr) => cidrContains(cidr, ip));
}

/** sip.md §3: the four steps, first matching wins. */
export function admitInvite(
  peers: readonly TrunkPeer[],
  sourceAddress: string,
  authorization: string | undefined,
  digest: DigestPort,
  now: number,
): Admission {
  // Step 1: by address, in config order; digest is not required even if the peer has `auth`.
  const byAddress = peers.find((p) => peerMatchesSource(p, sourceAddress));
  if (byAddress !== undefined) return { kind: "peer", peer: byAddress };
  const withAuth = peers.filter((p) => p.auth !== undefined);
  // Step 2: credentials present — verified, stale (expired nonce → 401 stale=true), or 403 (no re-challenge).
  if (authorization !== undefined && /^\s*digest\s/i.test(authorization)) {
    const verdict = digest.verify(authorization, "INVITE", now, (username) => {
      return withAuth.find((p) => p.auth?.username === username)?.auth?.password;
    });
    if (verdict.verdict === "stale")
      return { kind: "challenge", wwwAuthenticate: digest.challenge(now, true) };
    if (verdict.verdict === "forbidden") return { kind: "forbidden", reason: verdict.reason };
    const peer = withAuth.find((p) => p.auth?.username === verdict.username);
    if (peer !== undefined) return { kind: "peer", peer };
    return { kind: "forbidden", reason: "unknown username" };
  }
  // Step 3: challenge only when some peer can answer one.
  if (withAuth.length > 0) return { kind: "challenge", wwwAuthenticate: digest.challenge(now, false) };
  // Step 4.
  return { kind: "forbidden", reason: "source address matches no peer" };
}

/** The methods the trunk host answers: `Allow` of the OPTIONS 200 and of every 405 (sip.md §3; RFC 3261 §11.2, §20.5). */
export const ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY";

export interface StrayAnswer {
  readonly status: 200 | 405 | 481 | 503;
  /** `Allow` header value, for 200 to OPTIONS and 405. */
  readonly allow?: string;
}

/**
 * The answer to a request the stack matched to no dialog and no pending INVITE (sip.md §3):
 * `hasToTag` marks an in-dialog request (→ 481, also for re-INVITE, BYE and CANCEL per §6);
 * OPTIONS → 200 with Allow (503 while shutting down); other methods → 405 with Allow. ACK is
 * never answered (RFC 3261 §17.2.3) and out-of-dialog INVITEs go to `CallManager.handleInvite`:
 * both yield undefined.
 */
export function answerStrayRequest(
  method: string,
  hasToTag: boolean,
  shuttingDown: boolean,
): StrayAnswer | undefined {
  if (method === "ACK") return undefined;
  // RFC 3261 §9.2: a CANCEL matching no transaction gets 481 (sip.md §6).
  if (hasToTag || method === "CANCEL" || method === "BYE") return { status: 481 };
  if (method === "INVITE") return undefined;
  if (method === "OPTIONS") return shuttingDown ? { status: 503 } : { status: 200, allow: ALLOW };
  return { status: 405, allow: ALLOW };
}

/** Where our RTP and signalling are reachable (sip.md §4 "Advertised address"). */
export interface AdvertiseOptions {
  /** `server.rtp_address`. */
  readonly rtpAddress?: string;
  /** The IP `server.listen` is bound to. */
  readonly listenAddress: string;
  /** The local interface address that routes to `remote` (used when listen is a wildcard). */
  readonly routeTo?: (remote: string) => string;
}

/** peer `rtp_address` > `server.rtp_address` > listen IP, a wildcard replaced by the routed interface. */
export function advertisedAddress(peer: TrunkPeer, remote: string, o: AdvertiseOptions): string {
  if (peer.rtpAddress !== undefined) return peer.rtpAddress;
  if (o.rtpAddress !== undefined) return o.rtpAddress;
  const listen = parseIp(o.listenAddress);
  if (listen !== undefined && isWildcard(listen) && o.routeTo !== undefined) return o.routeTo(remote);
  return o.listenAddress;
}

/** A host for a SIP URI: IPv6 literals in brackets (RFC 3261 §19.1.1, RFC 5118). */
export { uriHost };

export interface PeerDialUris {
  readonly requestUri: string;
  readonly toUri: string;
  readonly fromUri: string;
}

/** sip.md §4 "Dialing a peer": Request-URI and To `sip:<to>@<host>:<port>`, From `sip:<from>@<our address>`. */
export function peerDialUris(
  host: string,
  port: number,
  to: string,
  from: string,
  ourAddress: string,
): PeerDialUris {
  const target = `sip:${to}@${uriHost(host)}:${port}`;
  return { requestUri: target, toUri: target, fromUri: `sip:${from}@${uriHost(ourAddress)}` };
}
