/**
 * The STUN request retransmission schedule over UDP (RFC 8489 §6.2.1): the first retransmit
 * after RTO, doubling after each, Rc requests in all, then failure after Rm × RTO more. With
 * the defaults (RTO 500 ms, Rc 7, Rm 16) requests go out at 0, 500, 1500, 3500, 7500, 15500
 * and 31500 ms and the transaction fails at 39500 ms (the RFC's own example). Pure.
 */

/** §6.2.1: "SHOULD be configurable and SHOULD have a default of 7". */
export const DEFAULT_RC = 7;
/** §6.2.1: "Rm SHOULD be configurable and SHOULD have a default of 16". */
export const DEFAULT_RM = 16;
/** §6.2.1: RTO "SHOULD be greater than 500 ms" absent an RTT estimate; we start at 500. */
export const DEFAULT_RTO_MS = 500;

export interface StunRetransmitOptions {
  rtoMs?: number;
  rc?: number;
  rm?: number;
}

export interface StunSchedule {
  /** Offsets from the first send, in ms; `sendAtMs[0]` is 0. */
  sendAtMs: number[];
  /** When the transaction fails without a response. */
  giveUpAtMs: number;
}

/** The whole schedule; Rc is clamped to [1, 16] so a bad option cannot make it unbounded. */
export function stunRetransmitSchedule(opts: StunRetransmitOptions = {}): StunSchedule {
  const rto = Math.max(1, opts.rtoMs ?? DEFAULT_RTO_MS);
  const rc = Math.min(16, Math.max(1, Math.floor(opts.rc ?? DEFAULT_RC)));
  const rm = Math.max(1, opts.rm ?? DEFAULT_RM);
  const sendAtMs = [0];
  let interval = rto;
  for (let i = 1; i < rc; i++) {
    sendAtMs.push(sendAtMs[i - 1]! + interval);
    interval *= 2;
  }
  // §6.2.1: the final wait is Rm times the (initial) RTO, as the example's 39500 ms shows.
  return { sendAtMs, giveUpAtMs: sendAtMs[rc - 1]! + rm * rto };
}
