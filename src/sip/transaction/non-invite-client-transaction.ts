/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6) as a pure machine
 * (state, input, now) → { state, actions }.
 *
 *                   │ request from TU: send, Timer E (unreliable only), Timer F
 *                   ▼
 *   Timer E ─▶  Trying ─────── Timer F / transport err ─▶ inform TU ─▶ Terminated
 *   (resend, E = min(2E, T2))   │ 1xx → TU
 *                   │           ▼
 *                   │       Proceeding ─ Timer E: resend, E = T2; 1xx → TU
 *                   │ 200-699 → TU  │ 200-699 → TU
 *                   ▼               ▼
 *                 Completed (Timer K: T4 unreliable, 0 reliable) ─▶ Terminated
 */
import type { SipRequest, SipResponse } from "../message/index.ts";
import {
  isProvisional,
  type MachineBase,
  type MachineOptions,
  machineBase,
  retransmit,
  type Step,
  startClient,
  startTimer,
  stopTimer,
  type TimerInput,
  type TransactionAction,
  type TransportErrorInput,
  terminate,
  unchanged,
} from "./types.ts";

export type NonInviteClientStateName = "trying" | "proceeding" | "completed" | "terminated";

export interface NonInviteClientState extends MachineBase {
  name: NonInviteClientStateName;
  /** Current Timer E interval (§17.1.2.2). */
  intervalE: number;
}

export type NonInviteClientInput =
  | { type: "response"; response: SipResponse }
  | TimerInput
  | TransportErrorInput;

/** §17.1.2.2: send at once; Timer E = T1 on unreliable transports, Timer F = 64·T1 always. */
export function createNonInviteClient(
  request: SipRequest,
  opts: MachineOptions,
  now: number,
): Step<NonInviteClientState> {
  const base = machineBase(request, opts);
  return {
    state: { ...base, name: "trying", intervalE: base.config.T1 },
    actions: startClient(base, "E", "F", now),
  };
}

export function stepNonInviteClient(
  state: NonInviteClientState,
  input: NonInviteClientInput,
  now: number,
): Step<NonInviteClientState> {
  switch (input.type) {
    case "response":
      return onResponse(state, input.response, now);
    case "timer":
      return onTimer(state, input.timer, now);
    case "transport-error":
      if (state.name === "trying" || state.name === "proceeding") {
        // §17.1.4: the TU is told and the transaction ends.
        return terminate(state, [stopTimer("E"), stopTimer("F"), { type: "transport-error" }]);
      }
      return unchanged(state);
  }
}

function onResponse(
  state: NonInviteClientState,
  response: SipResponse,
  now: number,
): Step<NonInviteClientState> {
  if (state.name !== "trying" && state.name !== "proceeding") {
    // §17.1.2.2: Completed buffers (absorbs) response retransmissions.
    return unchanged(state);
  }
  if (isProvisional(response.status)) {
    return { state: { ...state, name: "proceeding" }, actions: [{ type: "response-to-tu", response }] };
  }
  const actions: TransactionAction[] = [stopTimer("E"), stopTimer("F"), { type: "response-to-tu", response }];
  // §17.1.2.2: Timer K = T4 on unreliable transports, zero on reliable ones.
  if (state.reliable) return terminate(state, actions);
  actions.push(startTimer("K", state.config.T4, now));
  return { state: { ...state, name: "completed" }, actions };
}

function onTimer(
  state: NonInviteClientState,
  timer: TimerInput["timer"],
  now: number,
): Step<NonInviteClientState> {
  if (timer === "E" && (state.name === "trying" || state.name === "proceeding")) {
    // §17.1.2.2: in Trying E doubles up to T2; in Proceeding it is reset to T2.
    const intervalE =
      state.name === "trying" ? Math.min(2 * state.intervalE, state.config.T2) : state.config.T2;
    return { state: { ...state, intervalE }, actions: retransmit(state.request, "E", intervalE, now) };
  }
  if (timer === "F" && (state.name === "trying" || state.name === "proceeding")) {
    // §17.1.2.2: Timer F fires in Trying or Proceeding: the TU is told of the timeout.
    return terminate(state, [stopTimer("E"), { type: "timeout", timer: "F" }]);
  }
  if (timer === "K" && state.name === "completed") return terminate(state, []);
  return unchanged(state);
}
