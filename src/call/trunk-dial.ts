/**
 * Dialing through a registered trunk (spec/sip.md §2 "Outbound", §10; rest-api.md §3 POST
 * /v1/calls; webhooks.md §3): 503 while the trunk is not registered, an RTP port from the
 * trunk's range, our offer at the trunk's public address (RTP/SAVP with an
 * AES_CM_128_HMAC_SHA1_80 `a=crypto` line when `srtp: true`), the INVITE to the registrar with
 * the Request-URI/From/P-Asserted-Identity rules and the trunk's credentials (the stack answers
 * 401/407 once and follows 3xx up to 3 hops), then 180/183 → `ringing`, 2xx → answered, ≥ 300 →
 * ended with the reason table and `sip_code`, ring timeout → CANCEL and `no_answer`.
 */
import { err, ok, type Result } from "../lib/result.ts";
import { buildOffer, parseSdp, readAnswer, serializeSdp } from "../sdp/index.ts";
import type { Call, LocalSession } from "./call.ts";
import { outboundEndReason } from "./call-state.ts";
import { CallError } from "./errors.ts";
import { DEFAULT_RING_TIMEOUT_S, type OutboundCallRequest } from "./outbound-call.ts";
import type { CallDialog, CallMedia, OutboundHandlers } from "./ports.ts";
import { type TrunkDialer, type TrunkLine, trunkDialUris } from "./trunk-port.ts";

export interface TrunkDialContext {
  readonly shuttingDown: boolean;
  readonly dialer: TrunkDialer;
  newCallId(): string;
  newLocalSession(address: string): LocalSession;
  /** Creates (not yet registered) an outbound call in `dialing` on `trunk`. */
  create(
    callId: string,
    request: OutboundCallRequest,
    trunk: string,
    local: LocalSession,
    media: CallMedia,
  ): Call;
  register(call: Call): void;
}

/** sip.md §10 "SRTP": the one suite a trunk offers. */
const TRUNK_SRTP_SUITE = "AES_CM_128_HMAC_SHA1_80";

export async function dialTrunk(
  ctx: TrunkDialContext,
  request: OutboundCallRequest,
  line: TrunkLine,
): Promise<Result<Call, CallError>> {
  const registrar = line.registrar;
  const address = line.publicAddress;
  const contact = line.contact;
  // sip.md §2: while unregistered, outbound calls on the trunk get 503.
  if (!line.registered || registrar === undefined || address === undefined || contact === undefined) {
    return err(new CallError("trunk_unavailable", `trunk '${line.name}' is not registered`));
  }
  const callId = ctx.newCallId();
  const media = await line.media.allocate(callId);
  if (media === undefined) return err(new CallError("no_rtp_port", "no free RTP port"));
  if (ctx.shuttingDown) {
    media.close();
    return err(new CallError("shutting_down", "the gateway is shutting down"));
  }
  const local = ctx.newLocalSession(address);
  const offer = buildOffer({
    address,
    port: media.localPort,
    origin: local.origin,
    ...(line.srtp ? { crypto: [{ suite: TRUNK_SRTP_SUITE, key: local.srtpKey }] } : {}),
  });
  const call = ctx.create(callId, request, line.name, local, media);
  call.localSdp = offer;
  const handlers: OutboundHandlers = {
    // webhooks.md §3: call.ringing on the first 180/183 (sip.md §10: 183 only counts as ringing).
    provisional: (status) => {
      if (status === 180 || status === 183) call.apply({ kind: "ringing" });
    },
    answered: (sdp, dialog) => answered(call, sdp, dialog),
    failed: (status) => {
      call.outbound = undefined;
      call.finish(outboundEndReason(status), status);
    },
  };
  const invite = ctx.dialer.invite(
    {
      callId,
      target: { address: registrar.address, port: registrar.port },
      protocol: registrar.protocol,
      ...trunkDialUris(line.domain, request.to, request.from),
      sdp: serializeSdp(offer),
      credentials: { username: line.username, password: line.password },
      contact,
    },
    handlers,
    call.dialogHandlers(),
  );
  if (invite === undefined) {
    media.close();
    return err(new CallError("trunk_unavailable", `the INVITE could not be sent on trunk '${line.name}'`));
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

/**
 * 2xx: read the answer against our offer and start media. An answer we cannot use — including
 * plain RTP to our RTP/SAVP offer (RFC 3264 §6: the answer keeps the offer's profile, so an
 * `srtp: true` trunk never falls back to cleartext) — is hung up with BYE, reason `failed`.
 */
function answered(call: Call, sdp: string | undefined, dialog: CallDialog): void {
  // A 200 racing our CANCEL: the stack ACKs and BYEs it (sip.md §6); the call is already over.
  if (call.ended) return;
  call.outbound = undefined;
  call.stopRingTimer();
  call.dialog = dialog;
  const offer = call.localSdp;
  const parsed = sdp === undefined ? undefined : parseSdp(sdp);
  const media = parsed?.ok === true && offer !== undefined ? readAnswer(offer, parsed.value) : undefined;
  if (media === undefined || !media.ok) {
    call.hangUp("failed");
    return;
  }
  call.media.start(media.value);
  call.apply({ kind: "answered" });
}
