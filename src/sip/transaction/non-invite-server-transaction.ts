/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8) as a pure machine
 * (state, input, now) → { state, actions }.
 *
 *            │ request: pass to TU
 *            ▼
 *          Trying ── retransmission: absorb
 *   1xx from TU│        │ 200-699 from TU: send
 *            ▼          │
 *        Proceeding ────┤ retransmission: resend last 1xx; 1xx from TU: send
 *                       ▼
 *                   Completed ── retransmission: resend final
 *                       │ Timer J (64·T1 unreliable, 0 reliable)
 *                       ▼
 *                   Terminated
 */
import type { SipRequest, SipResponse } from "../message/index.ts";
import {
  isProvisional,
  type MachineBase,
  type MachineOptions,
  machineBase,
  type Step,
  startTimer,
  type TimerInput,
  type TransactionAction,
  type TransportErrorInput,
  terminate,
  unchanged,
} from "./types.ts";

export type NonInviteServerStateName = "trying" | "proceeding" | "completed" | "terminated";

export interface NonInviteServerState extends MachineBase {
  name: NonInviteServerStateName;
  lastResponse?: SipResponse;
}

export type NonInviteServerInput =
  /** A retransmission of the request (§17.2.3 matched it here). */
  | { type: "request"; request: SipRequest }
  | { type: "respond"; response: SipResponse }
  | TimerInput
  | TransportErrorInput;

export function createNonInviteServer(request: SipRequest, opts: MachineOptions): Step<NonInviteServerState> {
  return {
    state: { ...machineBase(request, opts), name: "trying" },
    actions: [{ type: "request-to-tu", request }],
  };
}

export function stepNonInviteServer(
  state: NonInviteServerState,
  input: NonInviteServerInput,
  now: number,
): Step<NonInviteServerState> {
  switch (input.type) {
    case "request":
      // §17.2.2: Trying absorbs retransmissions; Proceeding and Completed resend the last response.
      if ((state.name === "proceeding" || state.name === "completed") && state.lastResponse) {
        return { state, actions: [{ type: "send", message: state.lastResponse }] };
      }
      return unchanged(state);
    case "respond":
      return onRespond(state, input.response, now);
    case "timer":
      if (input.timer === "J" && state.name === "completed") return terminate(state, []);
      return unchanged(state);
    case "transport-error":
      // §17.2.4: the TU is informed and the transaction ends.
      if (state.name === "terminated") return unchanged(state);
      return terminate(state, [{ type: "transport-error" }]);
  }
}

function onRespond(
  state: NonInviteServerState,
  response: SipResponse,
  now: number,
): Step<NonInviteServerState> {
  if (state.name !== "trying" && state.name !== "proceeding") return unchanged(state);
  const send: TransactionAction = { type: "send", message: response };
  if (isProvisional(response.status)) {
    return { state: { ...state, name: "proceeding", lastResponse: response }, actions: [send] };
  }
  // §17.2.2: Timer J = 64·T1 on unreliable transports, zero on reliable ones.
  if (state.reliable) return terminate({ ...state, lastResponse: response }, [send]);
  return {
    state: { ...state, name: "completed", lastResponse: response },
    actions: [send, startTimer("J", 64 * state.config.T1, now)],
  };
}
