/**
 * Shared vocabulary of the four RFC 3261 §17 transaction machines (with RFC 6026): timer names,
 * the T1/T2/T4 configuration (§17.1.1.1, Table 4 of §A), and the actions a machine returns.
 * Every machine is a pure function (state, input, now) → { state, actions }; the caller (the
 * transaction layer, or a test) performs the actions: it sends, schedules timers and informs
 * the TU. Timers are inputs: when a started timer fires, the caller feeds `{ type: "timer" }`.
 */
import type { SipMessage, SipRequest, SipResponse } from "../message/index.ts";

/** RFC 3261 Table 4 timers plus RFC 6026 Timer L (INVITE server) and Timer M (INVITE client). */
export type TimerName = "A" | "B" | "D" | "E" | "F" | "G" | "H" | "I" | "J" | "K" | "L" | "M";

/** RFC 3261 §17.1.1.1 / Table 4: T1 = RTT estimate, T2 = cap for non-INVITE retransmits, T4 = max network lifetime. */
export interface TimerConfig {
  T1: number;
  T2: number;
  T4: number;
}

/** RFC 3261 §17.1.1.1 defaults: T1 500 ms, T2 4 s, T4 5 s. */
export const DEFAULT_TIMER_CONFIG: Readonly<TimerConfig> = { T1: 500, T2: 4000, T4: 5000 };

/** Fills missing values with the RFC defaults. */
export function timerConfig(partial: Partial<TimerConfig> = {}): TimerConfig {
  return { ...DEFAULT_TIMER_CONFIG, ...partial };
}

/** What a machine asks its caller to do, in order. */
export type TransactionAction =
  /** Hand the message to the transport (first send or retransmission). */
  | { type: "send"; message: SipMessage }
  /** Schedule `timer` to fire `ms` after `now` (`due` = now + ms); replaces a running one of that name. */
  | { type: "start-timer"; timer: TimerName; ms: number; due: number }
  | { type: "stop-timer"; timer: TimerName }
  /** Pass a response up to the TU (client transactions). */
  | { type: "response-to-tu"; response: SipResponse }
  /** Pass a request up to the TU (server transactions: the first request; an ACK in Accepted). */
  | { type: "request-to-tu"; request: SipRequest }
  /** Timer B, F or H fired: the TU learns the transaction timed out (§17.1.1.2, §17.1.2.2, §17.2.1). */
  | { type: "timeout"; timer: "B" | "F" | "H" }
  /** The transport failed (§17.1.4, §17.2.4); the TU is informed. */
  | { type: "transport-error" }
  /** The machine reached Terminated: the caller forgets it and cancels its timers. */
  | { type: "terminated" };

/** Result of one step of a machine. */
export interface Step<S> {
  state: S;
  actions: TransactionAction[];
}

/** Inputs shared by all four machines. */
export type TimerInput = { type: "timer"; timer: TimerName };
export type TransportErrorInput = { type: "transport-error" };

/** Options fixed at creation. */
export interface MachineOptions {
  /** TCP, TLS, SCTP: no retransmissions and zero wait timers (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2). */
  reliable: boolean;
  timers?: Partial<TimerConfig>;
}

/** Status classes used by every machine. */
export function isProvisional(status: number): boolean {
  return status >= 100 && status <= 199;
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

export function startTimer(timer: TimerName, ms: number, now: number): TransactionAction {
  return { type: "start-timer", timer, ms, due: now + ms };
}

export function stopTimer(timer: TimerName): TransactionAction {
  return { type: "stop-timer", timer };
}

/** What every machine keeps besides its state name and its own retransmission interval. */
export interface MachineBase {
  /** The request the transaction was created for: sent by a client (and resent verbatim by Timer A/E), received by a server. */
  request: SipRequest;
  reliable: boolean;
  config: TimerConfig;
}

export function machineBase(request: SipRequest, opts: MachineOptions): MachineBase {
  return { request, reliable: opts.reliable, config: timerConfig(opts.timers) };
}

/**
 * §17.1.1.2 (INVITE: A, B) and §17.1.2.2 (non-INVITE: E, F): a client transaction sends its
 * request at once, starts the retransmission timer at T1 only on unreliable transports, and the
 * timeout timer at 64·T1 always.
 */
export function startClient(
  base: MachineBase,
  retransmit: "A" | "E",
  timeout: "B" | "F",
  now: number,
): TransactionAction[] {
  const actions: TransactionAction[] = [{ type: "send", message: base.request }];
  if (!base.reliable) actions.push(startTimer(retransmit, base.config.T1, now));
  actions.push(startTimer(timeout, 64 * base.config.T1, now));
  return actions;
}

/** Resends `message` and restarts `timer` with the next interval (Timers A, E and G). */
export function retransmit(
  message: SipMessage,
  timer: "A" | "E" | "G",
  ms: number,
  now: number,
): TransactionAction[] {
  return [{ type: "send", message }, startTimer(timer, ms, now)];
}

/** The input does not apply in this state (or is absorbed): nothing changes, nothing is sent. */
export function unchanged<S>(state: S): Step<S> {
  return { state, actions: [] };
}

/** Moves to Terminated after `before`; the final `terminated` action tells the caller to forget the machine. */
export function terminate<S extends { name: string }>(state: S, before: TransactionAction[]): Step<S> {
  return { state: { ...state, name: "terminated" }, actions: [...before, { type: "terminated" }] };
}
