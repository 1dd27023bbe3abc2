/**
 * The call lifecycle events (spec/webhooks.md §3) and the `/incoming` decision exchange
 * (spec/webhooks.md §2) as domain types. The call layer emits exactly these; the webhook
 * dispatcher turns them into snake_case JSON bodies, the metrics read them. Pure types plus
 * the one rule that is easy to get wrong at every emit site: how `duration` is computed.
 */

/** `call.ended` reasons (webhooks.md §3 "`call.ended` reasons"). */
export type EndReason =
  | "normal"
  | "local"
  | "cancelled"
  | "rejected"
  | "busy"
  | "no_answer"
  | "failed"
  | "transfer"
  | "timeout"
  | "error"
  | "shutdown";

/** Who changed the hold state: a REST command (`local`) or a re-INVITE from the peer (`remote`). */
export type HoldParty = "local" | "remote";

/** Outbound only: the first 180 or 183 was received. */
export interface CallRingingEvent {
  readonly type: "call.ringing";
  readonly callId: string;
  readonly from: string;
  readonly to: string;
}

/** Outbound: 200 OK received; inbound: 200 OK sent for an accepted call. */
export interface CallAnsweredEvent {
  readonly type: "call.answered";
  readonly callId: string;
}

/** Exactly once per call, always its last event. */
export interface CallEndedEvent {
  readonly type: "call.ended";
  readonly callId: string;
  readonly reason: EndReason;
  /** Whole seconds from answer to end (floor); 0 if never answered. */
  readonly duration: number;
  /** Present when a SIP final response caused the end (486, 603, 487…). */
  readonly sipCode?: number;
}

/** One received key press. */
export interface CallDtmfEvent {
  readonly type: "call.dtmf";
  readonly callId: string;
  readonly digit: string;
}

export interface CallHoldEvent {
  readonly type: "call.hold";
  readonly callId: string;
  readonly by: HoldParty;
}

export interface CallResumedEvent {
  readonly type: "call.resumed";
  readonly callId: string;
  readonly by: HoldParty;
}

/** Playback ended naturally (`interrupted: false`) or by stop, replacement or hangup (`true`). */
export interface CallPlayFinishedEvent {
  readonly type: "call.play_finished";
  readonly callId: string;
  readonly playId: string;
  readonly interrupted: boolean;
}

/** The REFER was accepted but the target failed; the call stays up. */
export interface CallTransferFailedEvent {
  readonly type: "call.transfer_failed";
  readonly callId: string;
  readonly target: string;
  readonly sipCode: number;
}

export type CallEvent =
  | CallRingingEvent
  | CallAnsweredEvent
  | CallEndedEvent
  | CallDtmfEvent
  | CallHoldEvent
  | CallResumedEvent
  | CallPlayFinishedEvent
  | CallTransferFailedEvent;

/** The spec's `event` names, e.g. `"call.ended"`. */
export type CallEventName = CallEvent["type"];

/**
 * `duration` of `call.ended` (webhooks.md §3): whole seconds from answer to end, floored; 0 for
 * a call that was never answered. Times are milliseconds on one clock.
 */
export function endDuration(answeredAtMs: number | undefined, endedAtMs: number): number {
  if (answeredAtMs === undefined || endedAtMs <= answeredAtMs) return 0;
  return Math.floor((endedAtMs - answeredAtMs) / 1000);
}

/** A `call.ended` event with its duration computed by {@link endDuration}. */
export function callEnded(
  callId: string,
  reason: EndReason,
  answeredAtMs: number | undefined,
  endedAtMs: number,
  sipCode?: number,
): CallEndedEvent {
  const duration = endDuration(answeredAtMs, endedAtMs);
  return sipCode === undefined
    ? { type: "call.ended", callId, reason, duration }
    : { type: "call.ended", callId, reason, duration, sipCode };
}

/** What the gateway tells the app about an inbound call (webhooks.md §2 "Request"). */
export interface IncomingCallRequest {
  readonly callId: string;
  /** User part of the SIP From. */
  readonly from: string;
  /** User part of the SIP To (not the request-URI). */
  readonly to: string;
  /** Trunk-host peer name, when the INVITE came from a configured peer. */
  readonly peer?: string;
  /** Registered-trunk name, when the INVITE came in over a registration. */
  readonly trunk?: string;
}

/** The app accepted: answer 200 OK (webhooks.md §2 "Response"). */
export interface IncomingAccept {
  readonly action: "accept";
  /** `false` → WebSocket upgrades for this call get 403. */
  readonly stream: boolean;
  /** Returned in the WS `start.customParameters`. */
  readonly customParameters: Readonly<Record<string, string>>;
  /** Per-call lifecycle event URL, instead of `webhook.url`. */
  readonly webhookUrl?: string;
}

/** The app rejected: answer `sipCode` (sip.md §5 reason table, or the explicit `sip_code`). */
export interface IncomingReject {
  readonly action: "reject";
  readonly reason: string;
  /** 400–699. */
  readonly sipCode: number;
}

/**
 * No usable decision (app down, non-2xx, timeout, garbage body, or the 256 pending-decision
 * bound reached): the call layer answers `503 Service Unavailable` and ends the call with
 * reason `error` (webhooks.md §2 "Outcomes").
 */
export interface IncomingFailed {
  readonly action: "error";
  /** Why, for the log: `"HTTP 500"`, `"timeout"`, `"body is not JSON"`, `"overloaded"`… */
  readonly error: string;
}

export type IncomingDecision = IncomingAccept | IncomingReject | IncomingFailed;
