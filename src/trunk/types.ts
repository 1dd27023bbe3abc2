/**
 * Ports and state of the trunk registration manager (sip.md §2). The manager talks to the SIP
 * stack only through {@link TrunkSip}, and to DNS/routing/STUN through {@link TrunkNet}, so unit
 * tests pass fakes and drive time with a manual clock.
 */

import type { SipRequest } from "../sip/message/index.ts";
import type { RegisterPhase } from "../sip/ua/register-client.ts";
import type { Endpoint, RequestOutcome, SipTarget, TransportProtocol } from "../sip/ua/sip-service.ts";

/** One trunk as the manager needs it (a subset of config's TrunkConfig, structurally compatible). */
export interface TrunkSettings {
  name: string;
  username: string;
  password: string;
  /** Registrar host as configured (hostname or IP literal, IPv6 without brackets). */
  host: string;
  port: number;
  transport: "udp" | "tcp" | "tls";
  /** STUN server for the public address (sip.md §2 "Public address"). */
  stunServer?: { host: string; port: number };
}

/** What the manager needs from the running SIP stack (`sipStackPort` adapts a SipStack). */
export interface TrunkSip {
  /** One non-INVITE request in a client transaction → its final response (no auth handling). */
  request(target: SipTarget, request: SipRequest): Promise<RequestOutcome>;
  /** The bound address of a transport, if that transport is listening. */
  local(protocol: TransportProtocol): Endpoint | undefined;
  newTag(): string;
  newCallId(): string;
  /** Sends a keep-alive (RFC 5626 §3.5.1 double CRLF) to `target`; false when it could not be sent. */
  keepAlive(target: SipTarget): Promise<boolean>;
}

/** Name resolution, routing and STUN (IO). */
export interface TrunkNet {
  /** A hostname or IP literal → an IP literal (undefined when it does not resolve). */
  resolve(host: string): Promise<string | undefined>;
  /** The local interface address that routes to `remote` (sip.md §2 "Public address"). */
  localAddressTowards(remote: Endpoint): Promise<string | undefined>;
  /** Our server-reflexive address as seen by a STUN server (RFC 8489 Binding). */
  stunMappedAddress(server: { host: string; port: number }): Promise<Endpoint | undefined>;
}

export type TrunkPhase = RegisterPhase | "resolving";

/** Live state of one trunk, for /health `trunks[]` and `xbridge_trunk_registered{trunk}`. */
export interface TrunkState {
  readonly name: string;
  /** True while a binding is in place (sip.md §2: outbound calls on the trunk get 503 otherwise). */
  readonly registered: boolean;
  readonly phase: TrunkPhase;
  /** The registrar as resolved (protocol, IP, port). */
  readonly registrar?: SipTarget;
  /** Our Contact URI as last sent. */
  readonly contact?: string;
  /** The address we advertise (Contact host/port; also for Via and SDP `c=`). */
  readonly publicAddress?: Endpoint;
  /** Where `publicAddress` came from. */
  readonly addressSource?: "local" | "route" | "stun" | "received";
  /** Granted lifetime in seconds, while registered. */
  readonly expires?: number;
  /** Why the last attempt failed, and its SIP status when there was one. */
  readonly lastError?: string;
  readonly lastStatus?: number;
  /** Wall-clock ms (epoch) when `registered` last changed. */
  readonly since?: number;
  /** Delay before the next attempt while in backoff. */
  readonly retryInMs?: number;
}
