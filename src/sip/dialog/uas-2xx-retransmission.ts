/**
 * The UAS core's 2xx retransmission until the ACK arrives (RFC 3261 §13.3.1.4) as a pure
 * machine (state, input, now) → { state, actions }. The INVITE server transaction is in
 * Accepted (RFC 6026) and does not retransmit the 2xx itself; the core does:
 *
 *   sent ─ "retransmit" timer: resend, interval = min(2·interval, T2)
 *     │ ACK                      │ "give-up" timer (64·T1)
 *     ▼                          ▼
 *   acked                     timed-out ─▶ action "ack-timeout": the call layer sends BYE
 *
 * §13.3.1.4 asks for retransmission even over reliable transports (the guarantee is end to
 * end, a proxy may forward over UDP); `retransmit: false` turns it off for a caller that
 * knows its peer is directly connected.
 */
import type { SipResponse } from "../message/index.ts";

export interface Uas2xxState {
  name: "sent" | "acked" | "timed-out";
  response: SipResponse;
  /** Current retransmit interval: T1, doubled up to T2. */
  interval: number;
  T2: number;
}

export type Uas2xxTimer = "retransmit" | "give-up";

export type Uas2xxInput = { type: "timer"; timer: Uas2xxTimer } | { type: "ack" };

export type Uas2xxAction =
  | { type: "send"; response: SipResponse }
  | { type: "start-timer"; timer: Uas2xxTimer; ms: number; due: number }
  | { type: "stop-timer"; timer: Uas2xxTimer }
  /** 64·T1 passed without ACK: §13.3.1.4 says the session SHOULD be ended with BYE. */
  | { type: "ack-timeout" };

export interface Uas2xxOptions {
  T1?: number;
  T2?: number;
  /** Default true (see the file comment). */
  retransmit?: boolean;
}

export interface Uas2xxStep {
  state: Uas2xxState;
  actions: Uas2xxAction[];
}

/** Sends the 2xx and starts the schedule (first retransmission after T1, give up after 64·T1). */
export function createUas2xxRetransmission(
  response: SipResponse,
  opts: Uas2xxOptions,
  now: number,
): Uas2xxStep {
  // RFC 3261 §17.1.1.1 defaults (T1 500 ms, T2 4 s); sip/transaction's DEFAULT_TIMER_CONFIG is
  // the same table, but this layer may not import it (DESIGN.md: dialog imports sip/message only).
  const T1 = opts.T1 ?? 500;
  const T2 = opts.T2 ?? 4000;
  const actions: Uas2xxAction[] = [{ type: "send", response }];
  if (opts.retransmit !== false)
    actions.push({ type: "start-timer", timer: "retransmit", ms: T1, due: now + T1 });
  actions.push({ type: "start-timer", timer: "give-up", ms: 64 * T1, due: now + 64 * T1 });
  return { state: { name: "sent", response, interval: T1, T2 }, actions };
}

export function stepUas2xxRetransmission(state: Uas2xxState, input: Uas2xxInput, now: number): Uas2xxStep {
  if (state.name !== "sent") return { state, actions: [] };
  if (input.type === "ack") {
    // §13.3.1.4: retransmissions cease when the ACK arrives.
    return {
      state: { ...state, name: "acked" },
      actions: [
        { type: "stop-timer", timer: "retransmit" },
        { type: "stop-timer", timer: "give-up" },
      ],
    };
  }
  if (input.timer === "give-up") {
    return {
      state: { ...state, name: "timed-out" },
      actions: [{ type: "stop-timer", timer: "retransmit" }, { type: "ack-timeout" }],
    };
  }
  // §13.3.1.4: the interval starts at T1 and doubles until it reaches T2.
  const interval = Math.min(2 * state.interval, state.T2);
  return {
    state: { ...state, interval },
    actions: [
      { type: "send", response: state.response },
      { type: "start-timer", timer: "retransmit", ms: interval, due: now + interval },
    ],
  };
}
