/**
 * Where a message came from and where its response goes (RFC 3261 §18.2.1, §18.2.2; RFC 3581
 * §4; RFC 5118 for IPv6). Pure functions over the message model.
 *
 *  request in  ─▶ stampReceived: top Via gets `received=<source IP>` when sent-by differs,
 *                  and `rport=<source port>` (plus `received`) when the client asked (RFC 3581)
 *  response out ─▶ responseDestination: reliable → the request's connection;
 *                  otherwise received/rport, else maddr, else sent-by (default port 5060/5061)
 */
import { type SipRequest, type SipResponse, topVia, withTopVia } from "../message/index.ts";
import { bareHost, type Endpoint, type TransportProtocol } from "./types.ts";

/** Default SIP ports (RFC 3261 §19.1.2): 5061 for TLS, 5060 otherwise. */
export function defaultPort(protocol: TransportProtocol | string): number {
  return protocol.toUpperCase() === "TLS" ? 5061 : 5060;
}

/**
 * Adds `received` / `rport` to the top Via of a received request. Returns the request unchanged
 * when it has no parseable Via (the transaction layer drops it).
 */
export function stampReceived(req: SipRequest, source: Endpoint): SipRequest {
  const via = topVia(req);
  if (via === undefined) return req;
  const params = new Map(via.params);
  // RFC 3261 §18.2.1: add `received` when sent-by's host differs from the packet's source.
  if (bareHost(via.host).toLowerCase() !== source.address.toLowerCase())
    params.set("received", source.address);
  // RFC 3581 §4: an empty rport asks for the source port, and then `received` is always added.
  if (params.has("rport") && params.get("rport") === null) {
    params.set("rport", String(source.port));
    params.set("received", source.address);
  }
  if (params.size === via.params.size && [...params].every(([k, v]) => via.params.get(k) === v)) return req;
  return withTopVia(req, { ...via, params });
}

/** Where to send a response, and on which connection when one is known. */
export interface ResponseRoute {
  remote: Endpoint;
  connection?: number;
}

/**
 * RFC 3261 §18.2.2 response routing. `connection` is the stream the request arrived on; it is
 * preferred for reliable transports (if it has closed, the transport opens a new one to the
 * same address). For UDP: `received` (with `rport`, RFC 3581 §4, else the sent-by port), else
 * `maddr`, else sent-by itself. Undefined when the response carries no parseable Via.
 */
export function responseDestination(resp: SipResponse, connection?: number): ResponseRoute | undefined {
  const via = topVia(resp);
  if (via === undefined) return undefined;
  const received = via.params.get("received") ?? undefined;
  const rportText = via.params.get("rport") ?? undefined;
  const rport = rportText !== undefined && /^\d{1,5}$/.test(rportText) ? Number(rportText) : undefined;
  const port = rport ?? via.port ?? defaultPort(via.transport);
  const reliable = via.transport !== "UDP";
  if (reliable) {
    const remote = { address: received ?? bareHost(via.host), port };
    return connection !== undefined ? { remote, connection } : { remote };
  }
  if (received !== undefined) return { remote: { address: bareHost(received), port } };
  const maddr = via.params.get("maddr") ?? undefined;
  if (maddr !== undefined)
    return { remote: { address: bareHost(maddr), port: via.port ?? defaultPort(via.transport) } };
  return { remote: { address: bareHost(via.host), port: via.port ?? defaultPort(via.transport) } };
}
