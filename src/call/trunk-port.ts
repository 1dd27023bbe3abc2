/**
 * What the call layer needs from registered trunks (spec/sip.md §2; rest-api.md §3 `trunk`):
 * each trunk's registration facts (registered or not, the registrar it reached, the Contact
 * and public address it advertised), its credentials and SRTP policy, its RTP ports, and a
 * dialer on the trunk client's SIP stack. The root adapts `src/trunk`'s TrunkManager and the
 * client stack to it (src/gateway/trunk-system.ts); tests pass fakes. Also the pure rules:
 * the default trunk, inbound matching, and the URIs of an outbound trunk INVITE.
 */
import { parseIp } from "../lib/ip.ts";
import type {
  DialogHandlers,
  InboundInvite,
  MediaPort,
  OutboundHandlers,
  OutboundInvite,
  OutboundInviteRequest,
  SignallingAddress,
} from "./ports.ts";
import { uriHost } from "./trunk-host.ts";

export type TrunkProtocol = "UDP" | "TCP" | "TLS";

/** One configured trunk as the call layer sees it, read afresh for each call. */
export interface TrunkLine {
  readonly name: string;
  /** The registered username: From user of the REGISTER, Request-URI user of calls to us. */
  readonly username: string;
  readonly password: string;
  /** The configured registrar `host[:port]` as a URI host part (sip.md §2 `sip:<to>@<host>`). */
  readonly domain: string;
  /** `srtp: true`: offer RTP/SAVP and require SRTP both ways (sip.md §10 "SRTP"). */
  readonly srtp: boolean;
  /** True while a binding is in place (sip.md §2: otherwise outbound calls get 503). */
  readonly registered: boolean;
  /** The registrar as resolved: where our INVITEs go and where its INVITEs come from. */
  readonly registrar?: SignallingAddress & { readonly protocol: TrunkProtocol };
  /** Our Contact URI as last registered. */
  readonly contact?: string;
  /** The address we advertise (sip.md §2 "Public address": Contact, Via and SDP `c=`). */
  readonly publicAddress?: string;
  /** RTP ports over this trunk's `rtp_port_min`/`rtp_port_max` (sip.md §10 "Ports"). */
  readonly media: MediaPort;
}

/** An INVITE through a trunk: the peer INVITE plus the trunk-only parts (sip.md §2 "Outbound"). */
export interface TrunkInviteRequest extends OutboundInviteRequest {
  readonly protocol: TrunkProtocol;
  /** Answered once on 401/407 (sip.md §2). */
  readonly credentials: { readonly username: string; readonly password: string };
  /** `P-Asserted-Identity` (RFC 3325 §9.1): the caller ID of POST /v1/calls. */
  readonly assertedIdentity: string;
  /** Our registered Contact. */
  readonly contact: string;
}

/** Sends INVITEs on the trunk client's stack; 401/407 retry and 3xx (≤ 3 hops) are the stack's. */
export interface TrunkDialer {
  invite(
    request: TrunkInviteRequest,
    handlers: OutboundHandlers,
    dialog: DialogHandlers,
  ): OutboundInvite | undefined;
}

export interface TrunkPort {
  /** Every configured trunk in config order. */
  lines(): readonly TrunkLine[];
  readonly dialer: TrunkDialer;
}

/** An INVITE that reached a Contact we registered (the trunk client's stack), not the trunk host. */
export interface TrunkInboundInvite extends InboundInvite {
  /** User part of the Request-URI: the registrar rewrote it to our Contact (RFC 3261 §10.3, §16.5). */
  readonly requestUser: string;
}

/** rest-api.md §3: without `trunk`, the trunk named `default` if it exists, else the first configured. */
export function defaultTrunk(names: readonly string[]): string | undefined {
  return names.includes("default") ? "default" : names[0];
}

export type TrunkMatch =
  | { readonly kind: "trunk"; readonly line: TrunkLine }
  /** 404: no trunk registers this user; 403: the user is ours but the source is not its registrar. */
  | { readonly kind: "refuse"; readonly status: 403 | 404 };

function sameIp(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x === undefined || y === undefined) return false;
  return x.bytes.length === y.bytes.length && x.bytes.every((v, i) => v === y.bytes[i]);
}

/**
 * Which trunk an INVITE to our Contact belongs to: Request-URI user = the trunk's username and
 * source IP = its registrar (a registrar forwards calls for the AOR to the bound Contact,
 * RFC 3261 §10.3, §16.5). Only the IP is compared: over TCP/TLS the source port is the
 * connection's, and a UDP proxy may send from another port of the same host.
 */
export function matchTrunkInvite(
  lines: readonly TrunkLine[],
  requestUser: string,
  source: SignallingAddress,
): TrunkMatch {
  const forUser = lines.filter((l) => l.username === requestUser);
  if (forUser.length === 0) return { kind: "refuse", status: 404 };
  const line = forUser.find((l) => l.registrar !== undefined && sameIp(l.registrar.address, source.address));
  return line === undefined ? { kind: "refuse", status: 403 } : { kind: "trunk", line };
}

export interface TrunkDialUris {
  readonly requestUri: string;
  readonly toUri: string;
  readonly fromUri: string;
  readonly assertedIdentity: string;
}

/**
 * sip.md §2 "Outbound": Request-URI (and To) = `to` when it is a `sip:`/`sips:`/`tel:` URI, else
 * `sip:<to>@<host>`; From user and `P-Asserted-Identity` = `from`, in the trunk's domain.
 */
export function trunkDialUris(domain: string, to: string, from: string): TrunkDialUris {
  const target = /^(sips?|tel):/i.test(to) ? to : `sip:${to}@${domain}`;
  const identity = `sip:${from}@${domain}`;
  return { requestUri: target, toUri: target, fromUri: identity, assertedIdentity: `<${identity}>` };
}

/** The URI host part of a configured registrar: brackets for IPv6 and `:port` unless the default. */
export function trunkDomain(host: string, port: number, transport: "udp" | "tcp" | "tls"): string {
  const defaultPort = transport === "tls" ? 5061 : 5060;
  return port === defaultPort ? uriHost(host) : `${uriHost(host)}:${port}`;
}
