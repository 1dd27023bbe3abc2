/**
 * UAS side of one INVITE (RFC 3261 §13.3; sip.md §5-§6) as a pure machine: provisional
 * responses, the final answer, CANCEL, and the UAS core's 2xx retransmission until ACK
 * (§13.3.1.4: start at T1, double up to T2, give up after 64*T1 and report `ack-timeout`, after
 * which the call layer sends BYE per sip.md §5).
 *
 *   proceeding ─accept─▶ accepted (2xx re-sent at T1, 2T1 … T2) ─ACK─▶ confirmed
 *       │                    └─ 64*T1 without ACK ─▶ terminated (ack-timeout)
 *       ├─reject─▶ rejected (the transaction layer retransmits non-2xx and absorbs the ACK)
 *       └─CANCEL─▶ cancelled (487 to the INVITE, §9.2; the CANCEL's own 200 is the caller's)
 */
import { createResponse, type Header, type SipRequest, type SipResponse } from "../message/index.ts";

/** RFC 3261 §17.1.1.1 defaults. */
export const T1_MS = 500;
export const T2_MS = 4000;

export type UasInvitePhase =
  | "proceeding"
  | "accepted"
  | "confirmed"
  | "rejected"
  | "cancelled"
  | "terminated";

export interface UasInviteState {
  readonly invite: SipRequest;
  /** Our To tag for every response but 100 (§8.2.6.2, §12.1.1). */
  readonly toTag: string;
  phase: UasInvitePhase;
  /** The 2xx being retransmitted while `accepted`. */
  final?: SipResponse;
  /** Next 2xx retransmission interval (§13.3.1.4: doubles up to T2). */
  interval: number;
}

export type UasInviteInput =
  | { kind: "provisional"; status: number; headers?: Header[]; body?: Uint8Array; contentType?: string }
  | { kind: "accept"; headers?: Header[]; body?: Uint8Array; contentType?: string }
  | { kind: "reject"; status: number; reason?: string; headers?: Header[] }
  | { kind: "cancel" }
  | { kind: "ack" }
  | { kind: "timer"; timer: "retransmit-2xx" | "ack-timeout" };

export type UasInviteAction =
  /** Send on the INVITE's server transaction (1xx, non-2xx) or directly via the transport (2xx retransmissions). */
  | { kind: "respond"; response: SipResponse; retransmission: boolean }
  | { kind: "start-timer"; timer: "retransmit-2xx" | "ack-timeout"; delayMs: number }
  | { kind: "cancel-timers" }
  | { kind: "confirmed" }
  | { kind: "cancelled" }
  | { kind: "ack-timeout" };

export interface UasInviteStep {
  state: UasInviteState;
  actions: UasInviteAction[];
}

/** A new UAS INVITE; answers `100 Trying` at once (sip.md §5). */
export function startUasInvite(invite: SipRequest, toTag: string): UasInviteStep {
  return {
    state: { invite, toTag, phase: "proceeding", interval: T1_MS },
    actions: [{ kind: "respond", response: createResponse(invite, 100), retransmission: false }],
  };
}

function respond(
  state: UasInviteState,
  status: number,
  reason: string | undefined,
  input: {
    headers?: Header[];
    body?: Uint8Array;
    contentType?: string;
  },
): SipResponse {
  return createResponse(state.invite, status, reason, {
    toTag: state.toTag,
    ...(input.headers !== undefined ? { headers: input.headers } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
    ...(input.contentType !== undefined ? { contentType: input.contentType } : {}),
  });
}

export function uasInviteStep(state: UasInviteState, input: UasInviteInput): UasInviteStep {
  const none: UasInviteStep = { state, actions: [] };
  switch (input.kind) {
    case "provisional": {
      if (state.phase !== "proceeding" || input.status <= 100 || input.status > 199) return none;
      return {
        state,
        actions: [
          {
            kind: "respond",
            response: respond(state, input.status, undefined, input),
            retransmission: false,
          },
        ],
      };
    }
    case "accept": {
      if (state.phase !== "proceeding") return none;
      const final = respond(state, 200, undefined, input);
      return {
        state: { ...state, phase: "accepted", final, interval: T1_MS },
        actions: [
          { kind: "respond", response: final, retransmission: false },
          { kind: "start-timer", timer: "retransmit-2xx", delayMs: T1_MS },
          { kind: "start-timer", timer: "ack-timeout", delayMs: 64 * T1_MS },
        ],
      };
    }
    case "reject": {
      if (state.phase !== "proceeding" || input.status < 300 || input.status > 699) return none;
      const response = respond(state, input.status, input.reason, input);
      return {
        state: { ...state, phase: "rejected", final: response },
        actions: [{ kind: "respond", response, retransmission: false }],
      };
    }
    case "cancel": {
      // §9.2: CANCEL only affects a pending INVITE; once a final response went out it is a no-op.
      if (state.phase !== "proceeding") return none;
      const response = respond(state, 487, undefined, {});
      return {
        state: { ...state, phase: "cancelled", final: response },
        actions: [{ kind: "respond", response, retransmission: false }, { kind: "cancelled" }],
      };
    }
    case "ack": {
      if (state.phase !== "accepted") return none;
      return {
        state: { ...state, phase: "confirmed" },
        actions: [{ kind: "cancel-timers" }, { kind: "confirmed" }],
      };
    }
    case "timer": {
      if (state.phase !== "accepted" || state.final === undefined) return none;
      if (input.timer === "ack-timeout") {
        return {
          state: { ...state, phase: "terminated" },
          actions: [{ kind: "cancel-timers" }, { kind: "ack-timeout" }],
        };
      }
      const interval = Math.min(state.interval * 2, T2_MS);
      return {
        state: { ...state, interval },
        actions: [
          { kind: "respond", response: state.final, retransmission: true },
          { kind: "start-timer", timer: "retransmit-2xx", delayMs: interval },
        ],
      };
    }
  }
}
