/**
 * Dialing through a registered trunk (spec/sip.md §2 "Outbound", §10; rest-api.md §3 POST
 * /v1/calls `trunk`): which trunk, 503 while it is not registered, an RTP port from the
 * trunk's range, our offer at the trunk's public address (RTP/SAVP with an
 * AES_CM_128_HMAC_SHA1_80 `a=crypto` line when `srtp: true`), the INVITE to the registrar with
 * the Request-URI/From/P-Asserted-Identity rules and the trunk's credentials (the stack answers
 * 401/407 once and follows 3xx up to 3 hops); its progress is `outbound-dial.ts`'s.
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
import {
  defaultTrunk,
  type TrunkDialer,
  type TrunkLine,
  type TrunkPort,
  trunkDialUris,
} from "./trunk-port.ts";

/** sip.md §10 "SRTP": the one suite a trunk offers. */
const TRUNK_SRTP_SUITE = "AES_CM_128_HMAC_SHA1_80";

/**
 * rest-api.md §3: the named trunk, else the one named `default`, else the first configured; 404
 * when the name is not configured, 503 when no trunk is or it has no registration yet.
 * `configured` names the trunks when there is no `port` (the trunk client is not running).
 */
export async function dialNamedTrunk(
  ctx: DialContext,
  port: TrunkPort | undefined,
  configured: readonly string[],
  request: OutboundCallRequest,
): Promise<Result<Call, CallError>> {
  const lines = port?.lines() ?? [];
  const names = port === undefined ? configured : lines.map((l) => l.name);
  const name = request.trunk ?? defaultTrunk(names);
  if (name === undefined)
    return err(new CallError("trunk_unavailable", "no trunk is configured and no peer was given"));
  if (!names.includes(name))
    return err(new CallError("trunk_not_found", `trunk '${name}' is not configured`));
  const line = lines.find((l) => l.name === name);
  if (port === undefined || line === undefined)
    return err(new CallError("trunk_unavailable", `trunk '${name}' is not registered`));
  return dialTrunk(ctx, port.dialer, request, line);
}

async function dialTrunk(
  ctx: DialContext,
  dialer: TrunkDialer,
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
    dialer.invite(
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
