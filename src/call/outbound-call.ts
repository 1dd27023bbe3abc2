/**
 * Dialing a trunk-host peer (spec/sip.md §4 "Dialing a peer", §10; rest-api.md §3 POST
 * /v1/calls): the peer by name (404, 422 without `host`), an RTP port, our codecs filtered by the
 * peer's allowlist, the INVITE to `host:port` with the Request-URI/To/From rules; its progress
 * is `outbound-dial.ts`'s. 401/407 are not answered (peers dialed by IP are trusted): they end
 * the call like any other final response.
 */
import { err, ok, type Result } from "../lib/result.ts";
import { buildOffer, serializeSdp } from "../sdp/index.ts";
import type { Call } from "./call.ts";
import { CallError } from "./errors.ts";
import {
  bindOutboundMedia,
  type DialContext,
  followInvite,
  type OutboundCallRequest,
} from "./outbound-dial.ts";
import type { Dialer, MediaPort } from "./ports.ts";
import { type AdvertiseOptions, advertisedAddress, peerDialUris, type TrunkPeer } from "./trunk-host.ts";

export { DEFAULT_RING_TIMEOUT_S, type OutboundCallRequest } from "./outbound-dial.ts";

export interface OutboundContext extends DialContext {
  readonly media: MediaPort;
  readonly dialer: Dialer | undefined;
  readonly advertise: AdvertiseOptions;
}

/** rest-api.md §3: `peer` names a `server.peers[]` entry with a `host` (404 / 422 otherwise). */
export async function dialNamedPeer(
  ctx: OutboundContext,
  peers: readonly TrunkPeer[] | undefined,
  name: string,
  request: OutboundCallRequest,
): Promise<Result<Call, CallError>> {
  if (peers === undefined)
    return err(new CallError("peer_not_found", "peer given but there is no server block"));
  const peer = peers.find((p) => p.name === name);
  if (peer === undefined) return err(new CallError("peer_not_found", `peer '${name}' is not configured`));
  const host = peer.host;
  if (host === undefined)
    return err(new CallError("peer_without_host", `peer '${name}' has no host to dial`));
  return dialPeer(ctx, request, { ...peer, host });
}

async function dialPeer(
  ctx: OutboundContext,
  request: OutboundCallRequest,
  peer: TrunkPeer & { readonly host: string },
): Promise<Result<Call, CallError>> {
  const dialer = ctx.dialer;
  if (dialer === undefined) return err(new CallError("not_listening", "the trunk host is not listening"));
  const bound = await bindOutboundMedia(ctx, ctx.media);
  if (!bound.ok) return bound;
  const { callId, media } = bound.value;
  const address = advertisedAddress(peer, peer.host, ctx.advertise);
  const local = ctx.newLocalSession(address, peer.codecs);
  // sip.md §10 "Offer": our list filtered by the peer's allowlist.
  const offer = buildOffer({ address, port: media.localPort, origin: local.origin, allow: local.allow });
  const call = ctx.create(callId, request, { peer: peer.name }, local, media);
  call.localSdp = offer;
  const uris = peerDialUris(peer.host, peer.port, request.to, request.from, address);
  const sent = followInvite(ctx, call, request, (handlers, dialog) =>
    dialer.invite(
      { callId, target: { address: peer.host, port: peer.port }, ...uris, sdp: serializeSdp(offer) },
      handlers,
      dialog,
    ),
  );
  return sent
    ? ok(call)
    : err(new CallError("not_listening", "the INVITE could not be sent: the trunk host is not listening"));
}
