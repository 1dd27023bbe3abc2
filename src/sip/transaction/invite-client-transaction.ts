/**
 * INVITE client transaction (RFC 3261 §17.1.1, Figure 5) with the RFC 6026 §7.2 "Accepted"
 * state and Timer M, as a pure machine (state, input, now) → { state, actions }.
 *
 *                 │ INVITE from TU: send, Timer A (unreliable only), Timer B
 *                 ▼
 *   Timer A ─▶ Calling ──────────── Timer B / transport err ─▶ inform TU ─▶ Terminated
 *  (resend,        │ 1xx → TU
 *   A doubles)     ▼
 *              Proceeding ─ 1xx → TU
 *    300-699: ACK, → TU, Timer D         2xx: → TU, Timer M
 *                 ▼                          ▼
 *             Completed                   Accepted ── 2xx → TU (RFC 6026 §8.4)
 *   (300-699: resend ACK)                    │ Timer M
 *                 │ Timer D                  ▼
 *                 └──────────────────▶ Terminated
 */
import type { SipRequest, SipResponse } from "../message/index.ts";
import { ackForNon2xx } from "./ack-for-non-2xx.ts";
import {
  isProvisional,
  isSuccess,
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

export type InviteClientStateName = "calling" | "proceeding" | "completed" | "accepted" | "terminated";

export interface InviteClientState extends MachineBase {
  name: InviteClientStateName;
  /** Current Timer A interval: T1, then doubled at each firing (§17.1.1.2). */
  intervalA: number;
  /** The ACK sent for the non-2xx final, resent for each retransmission of it (§17.1.1.2). */
  ack?: SipRequest;
}

export type InviteClientInput =
  | { type: "response"; response: SipResponse }
  | TimerInput
  | TransportErrorInput;

/** §17.1.1.2: the INVITE is sent at once; Timer A only on unreliable transports, Timer B = 64·T1 always. */
export function createInviteClient(
  request: SipRequest,
  opts: MachineOptions,
  now: number,
): Step<InviteClientState> {
  const base = machineBase(request, opts);
  return {
    state: { ...base, name: "calling", intervalA: base.config.T1 },
    actions: startClient(base, "A", "B", now),
  };
}

export function stepInviteClient(
  state: InviteClientState,
  input: InviteClientInput,
  now: number,
): Step<InviteClientState> {
  switch (input.type) {
    case "response":
      return onResponse(state, input.response, now);
    case "timer":
      return onTimer(state, input.timer, now);
    case "transport-error":
      return onTransportError(state);
  }
}

function onResponse(state: InviteClientState, response: SipResponse, now: number): Step<InviteClientState> {
  const status = response.status;
  switch (state.name) {
    case "calling":
    case "proceeding": {
      const leaveCalling: TransactionAction[] =
        state.name === "calling" ? [stopTimer("A"), stopTimer("B")] : [];
      if (isProvisional(status)) {
        // §17.1.1.2: a provisional stops retransmissions; Timer B does not run in Proceeding.
        return {
          state: { ...state, name: "proceeding" },
          actions: [...leaveCalling, { type: "response-to-tu", response }],
        };
      }
      if (isSuccess(status)) {
        // RFC 6026 §8.4: a 2xx moves to Accepted for Timer M = 64·T1 so that 2xx retransmissions
        // (and forked 2xx) still reach the TU, which ACKs each of them (§13.2.2.4).
        return {
          state: { ...state, name: "accepted" },
          actions: [
            ...leaveCalling,
            { type: "response-to-tu", response },
            startTimer("M", 64 * state.config.T1, now),
          ],
        };
      }
      // §17.1.1.2: 300-699 → ACK, pass up, Completed; Timer D ≥ 32 s unreliable, 0 reliable.
      const ack = ackForNon2xx(state.request, response);
      const actions: TransactionAction[] = [
        ...leaveCalling,
        { type: "send", message: ack },
        { type: "response-to-tu", response },
      ];
      if (state.reliable) {
        actions.push({ type: "terminated" });
        return { state: { ...state, name: "terminated", ack }, actions };
      }
      actions.push(startTimer("D", Math.max(32000, 64 * state.config.T1), now));
      return { state: { ...state, name: "completed", ack }, actions };
    }
    case "completed":
      // §17.1.1.2: retransmissions of the final response are answered with the ACK again and
      // not passed up.
      if (status >= 300 && state.ack !== undefined) {
        return { state, actions: [{ type: "send", message: state.ack }] };
      }
      return unchanged(state);
    case "accepted":
      // RFC 6026 §8.4: further 2xx go to the TU; anything else is discarded.
      return isSuccess(status)
        ? { state, actions: [{ type: "response-to-tu", response }] }
        : unchanged(state);
    case "terminated":
      return unchanged(state);
  }
}

function onTimer(state: InviteClientState, timer: TimerInput["timer"], now: number): Step<InviteClientState> {
  if (timer === "A" && state.name === "calling") {
    // §17.1.1.2: retransmit and double A (no T2 cap for INVITE); B bounds the total.
    const intervalA = state.intervalA * 2;
    return { state: { ...state, intervalA }, actions: retransmit(state.request, "A", intervalA, now) };
  }
  if (timer === "B" && state.name === "calling") {
    // §17.1.1.2: Timer B fires in Calling: the TU is told of the timeout (408 for the UAC core).
    return terminate(state, [stopTimer("A"), { type: "timeout", timer: "B" }]);
  }
  if ((timer === "D" && state.name === "completed") || (timer === "M" && state.name === "accepted")) {
    return terminate(state, []);
  }
  return unchanged(state);
}

function onTransportError(state: InviteClientState): Step<InviteClientState> {
  // §17.1.4: a transport failure while sending the INVITE or the ACK ends the transaction.
  // RFC 6026 §8.4: in Accepted the transaction sends nothing, so there is nothing to fail.
  if (state.name === "terminated" || state.name === "accepted") return unchanged(state);
  return terminate(state, [{ type: "transport-error" }]);
}
