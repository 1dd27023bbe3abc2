/**
 * The message plumbing under the SIP stack (RFC 3261 §18): owns the transports, turns received
 * bytes into parsed messages (unparseable datagrams are dropped silently, sip.md §3), stamps
 * `received`/`rport` on requests (§18.2.1), adds our top Via to outgoing requests (§18.1.1,
 * RFC 3581 `rport`), and routes responses (§18.2.2). No transaction logic here.
 */
import { uriHost } from "../../lib/ip.ts";
import type { Logger } from "../../lib/logger.ts";
import { nullLogger } from "../../lib/logger.ts";
import type { Random } from "../../lib/random.ts";
import {
  getHeader,
  parseMessage,
  type SipRequest,
  type SipResponse,
  serializeMessage,
  serializeVia,
  topVia,
} from "../message/index.ts";
import { newBranch } from "../transaction/index.ts";
import type { SipPeer, SipTarget } from "../ua/sip-service.ts";
import type { Inbound, SipTransport, TransportProtocol } from "./types.ts";
import { responseDestination, stampReceived } from "./via-routing.ts";

/** Where a message came from (or a response goes): transport, address, stream connection. */
export type Source = SipPeer;

/** A destination for a request. */
export type Target = SipTarget;

export interface SipIoHandlers {
  onRequest(request: SipRequest, source: Source): void;
  onResponse(response: SipResponse, source: Source): void;
}

export class SipIo {
  private readonly transports = new Map<TransportProtocol, SipTransport>();
  private handlers: SipIoHandlers | undefined;

  constructor(
    private readonly random: Random,
    private readonly logger: Logger = nullLogger,
  ) {}

  /** Registers a transport; its inbound messages must be passed to {@link receive}. */
  addTransport(transport: SipTransport): void {
    this.transports.set(transport.protocol, transport);
  }

  transport(protocol: TransportProtocol): SipTransport | undefined {
    return this.transports.get(protocol);
  }

  setHandlers(handlers: SipIoHandlers): void {
    this.handlers = handlers;
  }

  /** A new RFC 3261 branch (§8.1.1.7: magic cookie + 64 random bits). */
  newBranch(): string {
    return newBranch(this.random);
  }

  /** Entry point for bytes from a transport. Never throws on bad input. */
  receive(inbound: Inbound): void {
    const parsed = parseMessage(inbound.data);
    if (!parsed.ok) {
      this.logger.debug("sip: dropped unparseable message", {
        reason: parsed.error.reason,
        remote: inbound.remote.address,
      });
      return;
    }
    const source: Source = { protocol: inbound.protocol, remote: inbound.remote };
    if (inbound.connection !== undefined) source.connection = inbound.connection;
    const msg = parsed.value;
    if (msg.kind === "request") {
      if (topVia(msg) === undefined) return; // §8.2: no Via, no way to answer.
      this.handlers?.onRequest(stampReceived(msg, inbound.remote), source);
    } else {
      // §18.1.2: a response whose top Via is not ours would be discarded by the transaction
      // layer anyway; pass it on for matching.
      this.handlers?.onResponse(msg, source);
    }
  }

  /**
   * Sends a request to `target`. When the request has no Via yet, ours is added on top with
   * `rport` (RFC 3581 §3) and `branch` (a fresh one unless given).
   */
  async sendRequest(
    request: SipRequest,
    target: Target,
    branch?: string,
    connection?: number,
  ): Promise<boolean> {
    const transport = this.transports.get(target.protocol);
    if (transport === undefined) return false;
    const req =
      topVia(request) === undefined
        ? this.withOurVia(request, target.protocol, branch ?? this.newBranch())
        : request;
    return transport.send(serializeMessage(req), { address: target.address, port: target.port }, connection);
  }

  /** The request with our top Via (sent-by = the transport's bound address). */
  withOurVia(request: SipRequest, protocol: TransportProtocol, branch: string): SipRequest {
    const transport = this.transports.get(protocol);
    const local = transport?.local ?? { address: "127.0.0.1", port: 5060 };
    const params = new Map<string, string | null>([
      ["branch", branch],
      ["rport", null],
    ]);
    const via = serializeVia({
      protocol: "SIP/2.0",
      transport: protocol,
      host: uriHost(local.address),
      port: local.port,
      params,
    });
    return { ...request, headers: [{ name: "Via", value: via }, ...request.headers] };
  }

  /** Sends a response per RFC 3261 §18.2.2, preferring the request's connection. */
  async sendResponse(response: SipResponse, source?: Source): Promise<boolean> {
    const route = responseDestination(response, source?.connection);
    if (route === undefined) return false;
    const via = topVia(response);
    const protocol = (via?.transport ?? source?.protocol ?? "UDP") as TransportProtocol;
    const transport =
      this.transports.get(protocol) ?? (source ? this.transports.get(source.protocol) : undefined);
    if (transport === undefined) {
      this.logger.debug("sip: no transport for response", {
        protocol,
        callId: getHeader(response, "call-id"),
      });
      return false;
    }
    return transport.send(serializeMessage(response), route.remote, route.connection);
  }

  async close(): Promise<void> {
    for (const t of this.transports.values()) await t.close();
    this.transports.clear();
  }
}
