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
import { buildOffer, serializeSdp } from "../sdp/index.ts";
import type { Call } from "./call.ts";
import { CallError } from "./errors.ts";
import {
  bindOutboundMedia,
  type DialContext,
  followInvite,
  type OutboundCallRequest,
} from "./outbound-dial.ts";
import { type TrunkDialer, type TrunkLine, trunkDialUris } from "./trunk-port.ts";

export interface TrunkDialContext extends DialContext {
  readonly dialer: TrunkDialer;
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
  const bound = await bindOutboundMedia(ctx, line.media);
  if (!bound.ok) return bound;
  const { callId, media } = bound.value;
  // Every codec: allowlists belong to trunk-host peers (sip.md §4), not to trunks.
  const local = ctx.newLocalSession(address, []);
  const offer = buildOffer({
    address,
    port: media.localPort,
    origin: local.origin,
    ...(line.srtp ? { crypto: [{ suite: TRUNK_SRTP_SUITE, key: local.srtpKey }] } : {}),
  });
  const call = ctx.create(callId, request, { trunk: line.name }, local, media);
  call.localSdp = offer;
  const sent = followInvite(ctx, call, request, (handlers, dialog) =>
    ctx.dialer.invite(
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
      dialog,
    ),
  );
  return sent
    ? ok(call)
    : err(new CallError("trunk_unavailable", `the INVITE could not be sent on trunk '${line.name}'`));
}
