/**
 * Pure helpers for what a trunk advertises: our Contact URI (RFC 3261 §10.2.1), the registrar
 * Request-URI and AOR (§10.2), and the address the registrar saw us at, read from the top Via
 * of its response (`received`, RFC 3261 §18.2.1; `rport`, RFC 3581 §4).
 */
import { uriHost } from "../lib/ip.ts";
import { type SipResponse, topVia } from "../sip/message/index.ts";
import type { Endpoint, TransportProtocol } from "../sip/ua/sip-service.ts";
import type { TrunkSettings } from "./types.ts";

export function protocolOf(transport: TrunkSettings["transport"]): TransportProtocol {
  return transport === "udp" ? "UDP" : transport === "tcp" ? "TCP" : "TLS";
}

/** RFC 3261 §19.1.2: 5060 for sip over UDP/TCP, 5061 for TLS. */
function defaultPort(transport: TrunkSettings["transport"]): number {
  return transport === "tls" ? 5061 : 5060;
}

/** §10.2: the Request-URI names the registrar's domain, no user part. */
export function registrarUri(t: TrunkSettings): string {
  const port = t.port === defaultPort(t.transport) ? "" : `:${t.port}`;
  const transport = t.transport === "udp" ? "" : `;transport=${t.transport}`;
  return `sip:${uriHost(t.host)}${port}${transport}`;
}

/** sip.md §2: AOR `sip:<username>@<host>` (From and To of the REGISTER). */
export function addressOfRecord(t: TrunkSettings): string {
  return `sip:${t.username}@${uriHost(t.host)}`;
}

/** §10.2.1: where requests for the AOR reach us; `transport` so the registrar uses the same one. */
export function contactUri(t: TrunkSettings, at: Endpoint): string {
  const transport = t.transport === "udp" ? "" : `;transport=${t.transport}`;
  return `sip:${t.username}@${uriHost(at.address)}:${at.port}${transport}`;
}

/**
 * The address the registrar saw our request come from, per the top Via of its response:
 * `received` (else the sent-by host) and, on UDP only, `rport` (else the sent-by port). On
 * TCP/TLS the source port is an ephemeral connection port, not one we listen on, so only the
 * IP is taken (the registrar reaches us over the same connection, RFC 5626 §5).
 */
export function observedAddress(
  response: SipResponse,
  protocol: TransportProtocol,
  ours: Endpoint,
): Endpoint | undefined {
  const via = topVia(response);
  if (via === undefined) return undefined;
  const received = via.params.get("received");
  const address = typeof received === "string" && received !== "" ? received : undefined;
  const rportText = via.params.get("rport");
  const rport = typeof rportText === "string" && /^\d{1,5}$/.test(rportText) ? Number(rportText) : undefined;
  if (address === undefined && rport === undefined) return undefined;
  const port = protocol === "UDP" && rport !== undefined && rport > 0 && rport <= 65535 ? rport : ours.port;
  return { address: address ?? ours.address, port };
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.address.toLowerCase() === b.address.toLowerCase();
}
