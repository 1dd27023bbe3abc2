/**
 * The status machine of one call (spec/rest-api.md §2, sip.md §7, webhooks.md §3) as a pure
 * function of (state, input, now) → (state, events). It owns the rules that hold for every
 * call whatever the signalling: which transitions exist, when `call.ringing`/`call.answered`/
 * `call.hold`/`call.resumed` fire, and that `call.ended` fires exactly once, last.
 *
 *   outbound: dialing ─180/183─▶ ringing ─2xx─▶ in_progress ⇄ on_hold
 *   inbound:             ringing ─accept───────▶ in_progress ⇄ on_hold
 *   any state ─end(reason)─▶ ended (call.ended; the manager forgets the call)
 *
 * `on_hold` means held by either side (rest-api.md §2); the two flags say who holds.
 */
import { type CallEvent, callEnded, type EndReason, type HoldParty } from "./events.ts";

export type CallStatus = "dialing" | "ringing" | "in_progress" | "on_hold";

export type CallDirection = "inbound" | "outbound";

export interface CallState {
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  readonly direction: CallDirection;
  readonly status: CallStatus | "ended";
  readonly heldLocal: boolean;
  readonly heldRemote: boolean;
  /** Clock ms of the answer; absent while unanswered (duration 0, webhooks.md §3). */
  readonly answeredAt?: number;
}

export type CallInput =
  /** Outbound: first 180 or 183. */
  | { readonly kind: "ringing" }
  /** Outbound: 2xx received; inbound: 200 OK sent. */
  | { readonly kind: "answered" }
  | { readonly kind: "hold"; readonly by: HoldParty; readonly held: boolean }
  | { readonly kind: "end"; readonly reason: EndReason; readonly sipCode?: number };

export interface CallStep {
  readonly state: CallState;
  readonly events: CallEvent[];
}

/** A new call: outbound calls start `dialing`, inbound ones `ringing` (rest-api.md §2). */
export function newCallState(callId: string, direction: CallDirection, from: string, to: string): CallState {
  return {
    callId,
    from,
    to,
    direction,
    status: direction === "outbound" ? "dialing" : "ringing",
    heldLocal: false,
    heldRemote: false,
  };
}

export function isAnswered(s: CallState): boolean {
  return s.status === "in_progress" || s.status === "on_hold";
}

export function callStep(s: CallState, input: CallInput, now: number): CallStep {
  if (s.status === "ended") return { state: s, events: [] };
  switch (input.kind) {
    case "ringing":
      // webhooks.md §3: call.ringing is outbound only, on the first 180/183.
      if (s.direction !== "outbound" || s.status !== "dialing") return { state: s, events: [] };
      return {
        state: { ...s, status: "ringing" },
        events: [{ type: "call.ringing", callId: s.callId, from: s.from, to: s.to }],
      };
    case "answered":
      if (s.status !== "dialing" && s.status !== "ringing") return { state: s, events: [] };
      return {
        state: { ...s, status: "in_progress", answeredAt: now },
        events: [{ type: "call.answered", callId: s.callId }],
      };
    case "hold": {
      if (!isAnswered(s)) return { state: s, events: [] };
      const was = input.by === "local" ? s.heldLocal : s.heldRemote;
      if (was === input.held) return { state: s, events: [] };
      const heldLocal = input.by === "local" ? input.held : s.heldLocal;
      const heldRemote = input.by === "remote" ? input.held : s.heldRemote;
      // sip.md §7: back to in_progress only when neither side still holds.
      const status = heldLocal || heldRemote ? "on_hold" : "in_progress";
      const event: CallEvent = input.held
        ? { type: "call.hold", callId: s.callId, by: input.by }
        : { type: "call.resumed", callId: s.callId, by: input.by };
      return { state: { ...s, status, heldLocal, heldRemote }, events: [event] };
    }
    case "end":
      return {
        state: { ...s, status: "ended" },
        events: [callEnded(s.callId, input.reason, s.answeredAt, now, input.sipCode)],
      };
  }
}

/**
 * webhooks.md §3 reason table for a final response ≥ 300 to an INVITE we sent: 486/600 → busy,
 * 603 → rejected, 408/480 → no_answer, any other → failed. No response at all (`undefined`:
 * could not be sent, Timer B) → failed.
 */
export function outboundEndReason(status: number | undefined): EndReason {
  switch (status) {
    case 486:
    case 600:
      return "busy";
    case 603:
      return "rejected";
    case 408:
    case 480:
      return "no_answer";
    default:
      return "failed";
  }
}
