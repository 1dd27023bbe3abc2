/**
 * What every outbound call shares, whether it dials a trunk-host peer (`outbound-call.ts`,
 * spec/sip.md §4) or goes through a registered trunk (`trunk-dial.ts`, sip.md §2): the request
 * of `POST /v1/calls` (rest-api.md §3), the RTP port bound before anything is sent (503 when
 * none is free or the gateway began shutting down meanwhile), and the life of the INVITE once
 * our offer is built (webhooks.md §3): 180/183 → `ringing`, 2xx → the answer read against our
 * offer and media started, ≥ 300 → ended with the reason table and `sip_code`, ring timeout →
 * CANCEL and `no_answer`.
 */
import { err, ok, type Result } from "../lib/result.ts";
import type { CodecName } from "../sdp/index.ts";
import type { Call, CallSetup, LocalSession } from "./call.ts";
import { outboundEndReason } from "./call-state.ts";
import { CallError } from "./errors.ts";
import type {
  CallDialog,
  CallMedia,
  DialogHandlers,
  MediaPort,
  OutboundHandlers,
  OutboundInvite,
} from "./ports.ts";

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

/** rest-api.md §3 `timeout` default. */
export const DEFAULT_RING_TIMEOUT_S = 30;

/** What the manager lends a dialing flow. */
export interface DialContext {
  /** Asked again after the RTP port is bound: a shutdown may have begun while we waited. */
  shuttingDown(): boolean;
  newCallId(): string;
  newLocalSession(address: string, allow: readonly CodecName[]): LocalSession;
  /** Creates (not yet registered) an outbound call in `dialing`. */
  create(
    callId: string,
    request: OutboundCallRequest,
    origin: Pick<CallSetup, "peer" | "trunk">,
    local: LocalSession,
    media: CallMedia,
  ): Call;
  /** Adds the call to the registry once its INVITE is out (rest-api.md §2: it exists from the successful POST). */
  register(call: Call): void;
}

/** A fresh call id and its RTP port (sip.md §10 "Ports"), or the 503 that stops the dial. */
export async function bindOutboundMedia(
  ctx: DialContext,
  port: MediaPort,
): Promise<Result<{ readonly callId: string; readonly media: CallMedia }, CallError>> {
  const callId = ctx.newCallId();
  const media = await port.allocate(callId);
  if (media === undefined) return err(new CallError("no_rtp_port", "no free RTP port"));
  if (ctx.shuttingDown()) {
    media.close();
    return err(new CallError("shutting_down", "the gateway is shutting down"));
  }
  return ok({ callId, media });
}

/**
 * Sends `call`'s INVITE through `send` and follows it to the end of ringing. False when it could
 * not be sent: the RTP port is released and the call never registered.
 */
export function followInvite(
  ctx: DialContext,
  call: Call,
  request: OutboundCallRequest,
  send: (handlers: OutboundHandlers, dialog: DialogHandlers) => OutboundInvite | undefined,
): boolean {
  const invite = send(
    {
      // webhooks.md §3: call.ringing on the first 180/183 (sip.md §10: 183 only counts as ringing).
      provisional: (status) => {
        if (status === 180 || status === 183) call.apply({ kind: "ringing" });
      },
      answered: (sdp, dialog) => answered(call, sdp, dialog),
      failed: (status) => {
        call.outbound = undefined;
        call.finish(outboundEndReason(status), status);
      },
    },
    call.dialogHandlers(),
  );
  if (invite === undefined) {
    call.media.close();
    return false;
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
  return true;
}

/**
 * 2xx: read the answer against our offer and start media. An answer we cannot use — no codec of
 * the allowlist, or plain RTP to our RTP/SAVP offer (RFC 3264 §6: the answer keeps the offer's
 * profile, so an `srtp: true` trunk never falls back to cleartext) — is hung up with BYE,
 * reason `failed`.
 */
function answered(call: Call, sdp: string | undefined, dialog: CallDialog): void {
  // A 200 racing our CANCEL: the stack ACKs and BYEs it (sip.md §6); the call is already over.
  if (call.ended) return;
  call.outbound = undefined;
  call.stopRingTimer();
  call.dialog = dialog;
  const media = call.readAnswer(sdp);
  if (media === undefined) {
    call.hangUp("failed");
    return;
  }
  call.media.start(media);
  call.apply({ kind: "answered" });
}
