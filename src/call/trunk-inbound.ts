/**
 * An INVITE that arrives through a registration (spec/sip.md §2 "Incoming INVITE on a trunk";
 * webhooks.md §2 `trunk`): matched to its trunk by Request-URI user and registrar source, never
 * to the trunk-host peers (the registrar already authenticated the caller, so sip.md §3's
 * address/digest policy does not apply). An `srtp: true` trunk takes only RTP/SAVP offers
 * (sip.md §10 "SRTP"; anything else → 488). The rest — SDP check, pending-decision bound, RTP
 * port, `180 Ringing`, the `/incoming` decision, answer, CANCEL and ACK — is the trunk host's
 * inbound flow (`inbound-call.ts`), run with the trunk as its already admitted origin: media
 * from the trunk's RTP range, SDP `c=` at the trunk's public address, every codec allowed.
 */
import { parseSdp } from "../sdp/index.ts";
import { type InboundBase, NO_INPUTS, receiveInvite } from "./inbound-call.ts";
import type { DecisionPort, InviteInputs } from "./ports.ts";
import type { TrunkPeer } from "./trunk-host.ts";
import { matchTrunkInvite, type TrunkInboundInvite, type TrunkLine } from "./trunk-port.ts";

/**
 * What the manager lends the trunk inbound flow: the inbound base without the trunk host's peer
 * policy (`digest` is never consulted: the origin is admitted by address, see
 * {@link receiveTrunkInvite}).
 */
export interface TrunkInboundContext extends InboundBase {
  /** Every configured trunk; none when the gateway has no trunks (every INVITE → 404). */
  lines(): readonly TrunkLine[];
}

/** True when the offer's first live audio stream is RTP/SAVP (RFC 4568 §3.1.4). */
function offersSrtp(sdp: string): boolean {
  const parsed = parseSdp(sdp);
  if (!parsed.ok) return false;
  const audio = parsed.value.media.find((m) => m.media.toLowerCase() === "audio" && m.port !== 0);
  return audio?.proto.toUpperCase() === "RTP/SAVP";
}

export function receiveTrunkInvite(ctx: TrunkInboundContext, invite: TrunkInboundInvite): InviteInputs {
  const match = matchTrunkInvite(ctx.lines(), invite.requestUser, invite.source);
  if (match.kind === "refuse") {
    invite.reject(match.status);
    return NO_INPUTS;
  }
  const line = match.line;
  const address = line.publicAddress;
  // Not set up yet (the registrar is known before our address only for an instant): try later.
  if (address === undefined) {
    invite.reject(503);
    return NO_INPUTS;
  }
  // sip.md §10: with `srtp: true` the media must be SRTP. A delayed offer would need our
  // RTP/SAVP offer in the 200 OK, which the shared flow does not build: refused as well.
  if (line.srtp && (invite.sdp === undefined || !offersSrtp(invite.sdp))) {
    invite.reject(488);
    return NO_INPUTS;
  }
  // The trunk as the flow's admitted origin: it matches exactly this source (step 1 of sip.md
  // §3 by address, so no digest), advertises the trunk's public address, allows every codec.
  const origin: TrunkPeer = {
    name: line.name,
    host: invite.source.address,
    hosts: [],
    port: invite.source.port,
    codecs: [],
    rtpAddress: address,
  };
  const decisions: DecisionPort = {
    // webhooks.md §2: `trunk` instead of `peer` in the /incoming body.
    decide: (r) => ctx.decisions.decide({ callId: r.callId, from: r.from, to: r.to, trunk: line.name }),
  };
  return receiveInvite(
    {
      ...ctx,
      peers: [origin],
      media: line.media,
      decisions,
      advertise: { listenAddress: address },
      register: (callId, inv, _origin, local, media) =>
        ctx.register(callId, inv, { trunk: line.name }, local, media),
    },
    invite,
  );
}
