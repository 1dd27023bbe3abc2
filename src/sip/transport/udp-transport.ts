/**
 * SIP over UDP on `Bun.udpSocket` (RFC 3261 §18.1.1, §18.2.1): one datagram = one message.
 * Datagrams larger than the SIP size cap or truncated by the kernel are dropped (RFC 3261 §18.1.1
 * leaves oversize handling to the sender; we never accept a partial message).
 */

import type { Logger } from "../../lib/logger.ts";
import { nullLogger } from "../../lib/logger.ts";
import { socketErrorText } from "../../lib/socket-error.ts";
import { MAX_MESSAGE_SIZE } from "../message/types.ts";
import { bareHost, type Endpoint, guardedDelivery, type InboundHandler, type SipTransport } from "./types.ts";

export interface UdpTransportOptions {
  /** Address to bind (IPv4 or IPv6 literal). */
  hostname: string;
  /** Port to bind; 0 asks the OS for a free one. */
  port: number;
  onMessage: InboundHandler;
  logger?: Logger;
}

export async function createUdpTransport(options: UdpTransportOptions): Promise<SipTransport> {
  const logger = options.logger ?? nullLogger;
  const hostname = bareHost(options.hostname);
  const deliver = guardedDelivery(options.onMessage, logger);
  const socket = await Bun.udpSocket({
    hostname,
    port: options.port,
    binaryType: "uint8array",
    socket: {
      data(_s, data, port, address, flags) {
        if (flags.truncated || data.length > MAX_MESSAGE_SIZE) {
          logger.debug("sip udp: dropped oversize datagram", { address, port, bytes: data.length });
          return;
        }
        deliver({
          protocol: "UDP",
          // Bun may reuse its receive buffer; the stack keeps the bytes beyond this callback.
          data: data.slice(),
          remote: { address, port },
          local: { address: hostname, port: socket.port },
        });
      },
      error(...args: unknown[]) {
        // ICMP errors a remote triggers at will (a Via naming a closed port): debug, not warn,
        // so a sender cannot flood the log (RFC 3261 §18.4: the transport error ends that send).
        logger.debug("sip udp: socket error", { error: socketErrorText(...args) });
      },
    },
  });
  const local: Endpoint = { address: hostname, port: socket.port };
  return {
    protocol: "UDP",
    reliable: false,
    local,
    async send(data, remote) {
      if (socket.closed) return false;
      try {
        return socket.send(data, remote.port, bareHost(remote.address));
      } catch (error) {
        logger.debug("sip udp: send failed", { error, address: remote.address, port: remote.port });
        return false;
      }
    },
    async close() {
      socket.close();
    },
  };
}
