/**
 * INVITE server transaction (RFC 3261 §17.2.1, Figure 7) with the RFC 6026 §7.1 "Accepted"
 * state and Timer L, as a pure machine (state, input, now) → { state, actions }.
 *
 *               │ INVITE: pass to TU, send 100 Trying (§17.2.1)
 *               ▼
 *           Proceeding ── INVITE: resend last provisional; 1xx from TU: send
 *    300-699 from TU:  │         │ 2xx from TU: send, Timer L (RFC 6026 §8.5)
 *    send, G, H        ▼         ▼
 *           Completed        Accepted ── INVITE: absorb; ACK → TU; 2xx from TU: send
 *   (INVITE, Timer G: resend;   │ Timer L
 *    Timer H: tell TU)          ▼
 *               │ ACK       Terminated
 *               ▼
 *           Confirmed (absorb ACKs; Timer I: T4 unreliable, 0 reliable) ─▶ Terminated
 */
import { createResponse, type SipRequest, type SipResponse } from "../message/index.ts";
import {
  isProvisional,
  isSuccess,
  type MachineBase,
  type MachineOptions,
  machineBase,
  retransmit,
  type Step,
  startTimer,
  stopTimer,
  type TimerInput,
  type TransactionAction,
  type TransportErrorInput,
  terminate,
  unchanged,
} from "./types.ts";

export type InviteServerStateName = "proceeding" | "completed" | "confirmed" | "accepted" | "terminated";

export interface InviteServerState extends MachineBase {
  name: InviteServerStateName;
  /** The most recent response sent, resent on request retransmissions (§17.2.1). */
  lastResponse?: SipResponse;
  /** Current Timer G interval (§17.2.1). */
  intervalG: number;
}

export type InviteServerInput =
  /** A retransmitted INVITE or an ACK matched to this transaction (§17.2.3). */
  | { type: "request"; request: SipRequest }
  /** A response the TU wants sent. */
  | { type: "respond"; response: SipResponse }
  | TimerInput
  | TransportErrorInput;

export interface InviteServerOptions extends MachineOptions {
  /**
   * §17.2.1: the transaction MUST send 100 Trying unless it knows the TU will send a
   * provisional within 200 ms; a TU that answers at once may turn this off. Default true.
   */
  sendTrying?: boolean;
}

export function createInviteServer(request: SipRequest, opts: InviteServerOptions): Step<InviteServerState> {
  const base = machineBase(request, opts);
  const state: InviteServerState = { ...base, name: "proceeding", intervalG: base.config.T1 };
  const actions: TransactionAction[] = [];
  if (opts.sendTrying !== false) {
    const trying = createResponse(request, 100);
    state.lastResponse = trying;
    actions.push({ type: "send", message: trying });
  }
  actions.push({ type: "request-to-tu", request });
  return { state, actions };
}

export function stepInviteServer(
  state: InviteServerState,
  input: InviteServerInput,
  now: number,
): Step<InviteServerState> {
  switch (input.type) {
    case "request":
      return onRequest(state, input.request, now);
    case "respond":
      return onRespond(state, input.response, now);
    case "timer":
      return onTimer(state, input.timer, now);
    case "transport-error":
      // §17.2.4: tell the TU and end (RFC 6026 §8.7 keeps Accepted: the TU owns 2xx delivery).
      if (state.name === "proceeding" || state.name === "completed") {
        return terminate(state, [stopTimer("G"), stopTimer("H"), { type: "transport-error" }]);
      }
      return unchanged(state);
  }
}

function onRequest(state: InviteServerState, request: SipRequest, now: number): Step<InviteServerState> {
  const isAck = request.method === "ACK";
  switch (state.name) {
    case "proceeding":
    case "completed":
      if (!isAck) {
        // §17.2.1: a retransmitted INVITE gets the most recent response again.
        return { state, actions: state.lastResponse ? [{ type: "send", message: state.lastResponse }] : [] };
      }
      if (state.name === "proceeding") return unchanged(state);
      // §17.2.1: ACK → Confirmed; Timer G stops; Timer I = T4 unreliable, 0 reliable.
      if (state.reliable) return terminate(state, [stopTimer("G"), stopTimer("H")]);
      return {
        state: { ...state, name: "confirmed" },
        actions: [stopTimer("G"), stopTimer("H"), startTimer("I", state.config.T4, now)],
      };
    case "accepted":
      // RFC 6026 §8.7: retransmitted INVITEs are absorbed, an ACK (for the 2xx) goes to the TU.
      return { state, actions: isAck ? [{ type: "request-to-tu", request }] : [] };
    case "confirmed":
    case "terminated":
      return unchanged(state);
  }
}

function onRespond(state: InviteServerState, response: SipResponse, now: number): Step<InviteServerState> {
  const send: TransactionAction = { type: "send", message: response };
  if (state.name === "accepted") {
    // RFC 6026 §8.7: the TU retransmits its 2xx through the transaction until it sees the ACK.
    return isSuccess(response.status) ? { state, actions: [send] } : unchanged(state);
  }
  if (state.name !== "proceeding") return unchanged(state);
  if (isProvisional(response.status)) {
    return { state: { ...state, lastResponse: response }, actions: [send] };
  }
  if (isSuccess(response.status)) {
    // RFC 6026 §8.5: a 2xx moves to Accepted for Timer L = 64·T1 instead of terminating.
    return {
      state: { ...state, name: "accepted", lastResponse: response },
      actions: [send, startTimer("L", 64 * state.config.T1, now)],
    };
  }
  // §17.2.1: 300-699 → Completed; Timer G = T1 (unreliable only), Timer H = 64·T1.
  const actions: TransactionAction[] = [send];
  if (!state.reliable) actions.push(startTimer("G", state.config.T1, now));
  actions.push(startTimer("H", 64 * state.config.T1, now));
  return {
    state: { ...state, name: "completed", lastResponse: response, intervalG: state.config.T1 },
    actions,
  };
}

function onTimer(state: InviteServerState, timer: TimerInput["timer"], now: number): Step<InviteServerState> {
  if (timer === "G" && state.name === "completed" && state.lastResponse !== undefined) {
    // §17.2.1: retransmit, G = min(2G, T2).
    const intervalG = Math.min(2 * state.intervalG, state.config.T2);
    return { state: { ...state, intervalG }, actions: retransmit(state.lastResponse, "G", intervalG, now) };
  }
  if (timer === "H" && state.name === "completed") {
    // §17.2.1: the ACK never came; the TU is told (it treats it as a transaction failure).
    return terminate(state, [stopTimer("G"), { type: "timeout", timer: "H" }]);
  }
  if ((timer === "I" && state.name === "confirmed") || (timer === "L" && state.name === "accepted")) {
    return terminate(state, []);
  }
  return unchanged(state);
}
