/**
 * The transport port the SIP stack talks to (RFC 3261 §18): something that receives whole SIP
 * messages with their source address and sends bytes to an address, over UDP, TCP or TLS.
 */

import { uriHost } from "../../lib/ip.ts";
import type { Logger } from "../../lib/logger.ts";
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
  return `${uriHost(e.address)}:${e.port}`;
}

/** Strips brackets from an IPv6 reference (`[::1]` → `::1`). */
export function bareHost(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * Wraps the stack's inbound handler for a socket callback: everything behind it is meant never
 * to throw on remote input (DESIGN.md rule 2), but an exception escaping a Bun socket callback
 * would take the process down with every call on it, so one is logged as the bug it is and the
 * message is dropped (the peer's retransmission or timeout handles the rest, RFC 3261 §17).
 */
export function guardedDelivery(handler: InboundHandler, logger: Logger): InboundHandler {
  return (message) => {
    try {
      handler(message);
    } catch (error) {
      logger.error("sip: handler threw on an inbound message (bug)", {
        error: String(error),
        protocol: message.protocol,
        remote: endpointKey(message.remote),
      });
    }
  };
}
