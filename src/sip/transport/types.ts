/**
 * The transport port the SIP stack talks to (RFC 3261 §18): something that receives whole SIP
 * messages with their source address and sends bytes to an address, over UDP, TCP or TLS.
 */

import type { Endpoint, TransportProtocol } from "../ua/sip-service.ts";

export type { Endpoint, TransportProtocol };

/** One received SIP message (a datagram, or one framed message of a stream). */
export interface Inbound {
  protocol: TransportProtocol;
  data: Uint8Array;
  remote: Endpoint;
  local: Endpoint;
  /** Stream transports: the connection it arrived on, so responses can reuse it (RFC 3261 §18.2.2). */
  connection?: number;
}

export type InboundHandler = (message: Inbound) => void;

export interface SipTransport {
  readonly protocol: TransportProtocol;
  /** Reliable transports need no retransmissions (RFC 3261 §17.1.1.2, §17.1.2.2). */
  readonly reliable: boolean;
  /** The bound address; the port is the real one when 0 was asked for. */
  readonly local: Endpoint;
  /**
   * Sends one message. On a stream transport, `connection` (when still open) is used first,
   * then an open connection to `remote`, else a new one is opened. Resolves false on failure.
   */
  send(data: Uint8Array, remote: Endpoint, connection?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** `host:port` key; IPv6 addresses are bracketed so the key is unambiguous. */
export function endpointKey(e: Endpoint): string {
  return e.address.includes(":") ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** Strips brackets from an IPv6 reference (`[::1]` → `::1`). */
export function bareHost(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
