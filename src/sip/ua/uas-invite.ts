/**
 * UAS side of one INVITE (RFC 3261 §13.3; sip.md §5-§6) as a pure machine: provisional
 * responses, the final answer, CANCEL, and — once the 2xx is sent — the dialog layer's 2xx
 * retransmission machine (§13.3.1.4: T1 doubling to T2 until ACK; after 64*T1 `ack-timeout`,
 * and the call layer sends BYE per sip.md §5). A function of (state, input, now).
 *
 *   proceeding ─accept─▶ accepted (2xx re-sent until ACK) ─ACK─▶ confirmed
 *       │                    └─ 64*T1 without ACK ─▶ terminated (ack-timeout)
 *       ├─reject─▶ rejected (the transaction layer retransmits non-2xx and absorbs the ACK)
 *       └─CANCEL─▶ cancelled (487 to the INVITE, §9.2; the CANCEL's own 200 is the stack's)
 */
import {
  createUas2xxRetransmission,
  stepUas2xxRetransmission,
  type Uas2xxAction,
  type Uas2xxState,
  type Uas2xxTimer,
} from "../dialog/index.ts";
import { createResponse, type Header, type SipRequest, type SipResponse } from "../message/index.ts";

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
  /** The final response sent, if any. */
  final?: SipResponse;
  /** The 2xx retransmission machine while `accepted`. */
  retransmission?: Uas2xxState;
  /** T1/T2 for the 2xx schedule (RFC 3261 defaults when absent). */
  readonly timers: { T1?: number; T2?: number };
}

export interface ResponseContent {
  headers?: Header[];
  body?: Uint8Array;
  contentType?: string;
}

export type UasInviteInput =
  | ({ kind: "provisional"; status: number } & ResponseContent)
  | ({ kind: "accept" } & ResponseContent)
  | { kind: "reject"; status: number; reason?: string; headers?: Header[] }
  | { kind: "cancel" }
  | { kind: "ack" }
  | { kind: "timer"; timer: Uas2xxTimer };

export type UasInviteAction =
  /** First responses go on the INVITE's server transaction; 2xx retransmissions straight to the transport. */
  | { kind: "respond"; response: SipResponse; retransmission: boolean }
  | { kind: "start-timer"; timer: Uas2xxTimer; delayMs: number }
  | { kind: "stop-timer"; timer: Uas2xxTimer }
  | { kind: "cancelled" }
  | { kind: "ack-timeout" };

export interface UasInviteStep {
  state: UasInviteState;
  actions: UasInviteAction[];
}

/** A new UAS INVITE; answers `100 Trying` at once (sip.md §5). */
export function startUasInvite(
  invite: SipRequest,
  toTag: string,
  timers: { T1?: number; T2?: number } = {},
): UasInviteStep {
  return {
    state: { invite, toTag, phase: "proceeding", timers },
    actions: [{ kind: "respond", response: createResponse(invite, 100), retransmission: false }],
  };
}

function respond(
  state: UasInviteState,
  status: number,
  reason: string | undefined,
  c: ResponseContent,
): SipResponse {
  return createResponse(state.invite, status, reason, {
    toTag: state.toTag,
    ...(c.headers !== undefined ? { headers: c.headers } : {}),
    ...(c.body !== undefined ? { body: c.body } : {}),
    ...(c.contentType !== undefined ? { contentType: c.contentType } : {}),
  });
}

/** Maps the dialog layer's 2xx machine actions; its first send is the original 2xx. */
function mapRetransmission(actions: Uas2xxAction[], first: boolean): UasInviteAction[] {
  return actions.map(mapOne(first));
}

function mapOne(first: boolean): (a: Uas2xxAction) => UasInviteAction {
  return (a) => {
    if (a.type === "send") return { kind: "respond", response: a.response, retransmission: !first };
    if (a.type === "start-timer") return { kind: "start-timer", timer: a.timer, delayMs: a.ms };
    if (a.type === "stop-timer") return { kind: "stop-timer", timer: a.timer };
    return { kind: "ack-timeout" };
  };
}

export function uasInviteStep(state: UasInviteState, input: UasInviteInput, now: number): UasInviteStep {
  const none: UasInviteStep = { state, actions: [] };
  switch (input.kind) {
    case "provisional": {
      if (state.phase !== "proceeding" || input.status <= 100 || input.status > 199) return none;
      const response = respond(state, input.status, undefined, input);
      return { state, actions: [{ kind: "respond", response, retransmission: false }] };
    }
    case "accept": {
      if (state.phase !== "proceeding") return none;
      const final = respond(state, 200, undefined, input);
      const r = createUas2xxRetransmission(final, state.timers, now);
      return {
        state: { ...state, phase: "accepted", final, retransmission: r.state },
        actions: mapRetransmission(r.actions, true),
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
    case "ack":
    case "timer": {
      if (state.phase !== "accepted" || state.retransmission === undefined) return none;
      const r = stepUas2xxRetransmission(
        state.retransmission,
        input.kind === "ack" ? { type: "ack" } : { type: "timer", timer: input.timer },
        now,
      );
      const phase =
        r.state.name === "acked" ? "confirmed" : r.state.name === "timed-out" ? "terminated" : "accepted";
      return {
        state: { ...state, phase, retransmission: r.state },
        actions: mapRetransmission(r.actions, false),
      };
    }
  }
}
