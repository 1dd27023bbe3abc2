/**
 * Dialing a trunk-host peer (spec/sip.md §4 "Dialing a peer", §6, §10; rest-api.md §3 POST
 * /v1/calls; webhooks.md §3): bind an RTP port, offer our codecs filtered by the peer's
 * allowlist, INVITE `host:port` with the Request-URI/To/From rules, then 180/183 → `ringing`,
 * 2xx → answered (the stack ACKs), ≥ 300 → ended with the reason table and `sip_code`, ring
 * timeout → CANCEL and `no_answer`. 401/407 are not answered (peers dialed by IP are trusted):
 * they end the call like any other final response.
 */
import { err, ok, type Result } from "../lib/result.ts";
import { buildOffer, parseSdp, readAnswer, serializeSdp } from "../sdp/index.ts";
import type { Call, LocalSession } from "./call.ts";
import { outboundEndReason } from "./call-state.ts";
import { CallError } from "./errors.ts";
import type { CallDialog, CallMedia, Dialer, MediaPort, OutboundHandlers } from "./ports.ts";
import { type AdvertiseOptions, advertisedAddress, peerDialUris, type TrunkPeer } from "./trunk-host.ts";

/** The validated body of `POST /v1/calls` (rest-api.md §3) in domain terms. */
export interface OutboundCallRequest {
  readonly to: string;
  readonly from: string;
  readonly peer?: string;
  readonly trunk?: string;
  readonly webhookUrl?: string;
  /** Default true. */
  readonly stream?: boolean;
  readonly customParameters?: Readonly<Record<string, string>>;
  /** Ring timeout in seconds, 1–600; default 30. */
  readonly timeout?: number;
}

export const DEFAULT_RING_TIMEOUT_S = 30;

export interface OutboundContext {
  readonly shuttingDown: boolean;
  readonly media: MediaPort;
  readonly dialer: Dialer | undefined;
  readonly advertise: AdvertiseOptions;
  newCallId(): string;
  newLocalSession(address: string, allow: TrunkPeer["codecs"]): LocalSession;
  /** Creates (not yet registered) an outbound call in `dialing`. */
  create(
    callId: string,
    request: OutboundCallRequest,
    peer: TrunkPeer,
    local: LocalSession,
    media: CallMedia,
  ): Call;
  /** Adds the call to the registry once its INVITE is out (rest-api.md §2: it exists from the successful POST). */
  register(call: Call): void;
}

/** Dials `peer` (already resolved and checked to have a `host`). */
export async function dialPeer(
  ctx: OutboundContext,
  request: OutboundCallRequest,
  peer: TrunkPeer & { readonly host: string },
): Promise<Result<Call, CallError>> {
  const dialer = ctx.dialer;
  if (dialer === undefined) return err(new CallError("not_listening", "the trunk host is not listening"));
  const callId = ctx.newCallId();
  const media = await ctx.media.allocate(callId);
  if (media === undefined) return err(new CallError("no_rtp_port", "no free RTP port"));
  if (ctx.shuttingDown) {
    media.close();
    return err(new CallError("shutting_down", "the gateway is shutting down"));
  }
  const address = advertisedAddress(peer, peer.host, ctx.advertise);
  const local = ctx.newLocalSession(address, peer.codecs);
  // sip.md §10 "Offer": our list filtered by the peer's allowlist.
  const offer = buildOffer({ address, port: media.localPort, origin: local.origin, allow: local.allow });
  const call = ctx.create(callId, request, peer, local, media);
  call.localSdp = offer;
  const uris = peerDialUris(peer.host, peer.port, request.to, request.from, address);
  const handlers: OutboundHandlers = {
    // sip.md §4: 180/183 → ringing (webhooks.md §3: call.ringing on the first of them).
    provisional: (status) => {
      if (status === 180 || status === 183) call.apply({ kind: "ringing" });
    },
    answered: (sdp, dialog) => answered(call, sdp, dialog),
    failed: (status) => {
      call.outbound = undefined;
      call.finish(outboundEndReason(status), status);
    },
  };
  const invite = dialer.invite(
    { callId, target: { address: peer.host, port: peer.port }, ...uris, sdp: serializeSdp(offer) },
    handlers,
    call.dialogHandlers(),
  );
  if (invite === undefined) {
    media.close();
    return err(
      new CallError("not_listening", "the INVITE could not be sent: the trunk host is not listening"),
    );
  }
  call.outbound = invite;
  ctx.register(call);
  // rest-api.md §3 `timeout`: ring timeout → CANCEL, reason `no_answer`.
  call.startRingTimer((request.timeout ?? DEFAULT_RING_TIMEOUT_S) * 1000, () => {
    if (call.state.status !== "dialing" && call.state.status !== "ringing") return;
    call.outbound?.cancel();
    call.outbound = undefined;
    call.finish("no_answer");
  });
  return ok(call);
}

/** 2xx: read the answer against our offer and start media; an unusable answer → BYE, `failed`. */
function answered(call: Call, sdp: string | undefined, dialog: CallDialog): void {
  // A 200 racing our CANCEL: the stack ACKs and BYEs it (sip.md §6); the call is already over.
  if (call.ended) return;
  call.outbound = undefined;
  call.stopRingTimer();
  call.dialog = dialog;
  const offer = call.localSdp;
  const parsed = sdp === undefined ? undefined : parseSdp(sdp);
  const media =
    parsed?.ok === true && offer !== undefined
      ? readAnswer(offer, parsed.value, { allow: call.local.allow })
      : undefined;
  if (media === undefined || !media.ok) {
    call.hangUp("failed");
    return;
  }
  call.media.start(media.value);
  call.apply({ kind: "answered" });
}
