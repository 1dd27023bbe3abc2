/**
 * Dialing a trunk-host peer (spec/sip.md §4 "Dialing a peer", §6, §10; rest-api.md §3 POST
 * /v1/calls; webhooks.md §3): bind an RTP port, offer our codecs filtered by the peer's
 * allowlist, INVITE `host:port` with the Request-URI/To/From rules, then 180/183 → `ringing`,
 * 2xx → answered (the stack ACKs), ≥ 300 → ended with the reason table and `sip_code`, ring
 * timeout → CANCEL and `no_answer`. 401/407 are not answered (peers dialed by IP are trusted):
 * they end the call like any other final response.
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

/** Dials `peer` (already resolved and checked to have a `host`). */
export async function dialPeer(
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
