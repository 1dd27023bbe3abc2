/**
 * Public surface of the SIP transaction layer (RFC 3261 §17 with RFC 6026). Other modules
 * import from here only. Most callers need just `TransactionLayer` and `newBranch`; the pure
 * machines are exported for tests and for callers that run their own timers.
 */

/** ackForNon2xx(invite, response): SipRequest — the ACK for a 300-699 in the INVITE transaction (§17.1.1.3). */
export { ackForNon2xx } from "./ack-for-non-2xx.ts";
/** createInviteClient(invite, opts, now) / stepInviteClient(state, input, now) — §17.1.1 + RFC 6026 Accepted, Timer M. */
export {
  createInviteClient,
  type InviteClientInput,
  type InviteClientState,
  type InviteClientStateName,
  stepInviteClient,
} from "./invite-client-transaction.ts";
/** createInviteServer(invite, opts) / stepInviteServer(state, input, now) — §17.2.1 + RFC 6026 Accepted, Timer L. */
export {
  createInviteServer,
  type InviteServerInput,
  type InviteServerOptions,
  type InviteServerState,
  type InviteServerStateName,
  stepInviteServer,
} from "./invite-server-transaction.ts";
/** createClientMachine / createServerMachine / stepMachine — one union over the four machines, picked by method. */
export {
  type AnyTransactionInput,
  type AnyTransactionState,
  createClientMachine,
  createServerMachine,
  stepMachine,
  type TransactionKind,
} from "./machine.ts";
/** BRANCH_COOKIE = "z9hG4bK"; newBranch(random): string; topBranch(msg); the §17.1.3 / §17.2.3 / §9.2 keys. */
export {
  BRANCH_COOKIE,
  clientKeyOfRequest,
  clientKeyOfResponse,
  newBranch,
  serverKey,
  topBranch,
} from "./matching.ts";
/** createNonInviteClient(request, opts, now) / stepNonInviteClient(state, input, now) — §17.1.2. */
export {
  createNonInviteClient,
  type NonInviteClientInput,
  type NonInviteClientState,
  type NonInviteClientStateName,
  stepNonInviteClient,
} from "./non-invite-client-transaction.ts";
/** createNonInviteServer(request, opts) / stepNonInviteServer(state, input, now) — §17.2.2. */
export {
  createNonInviteServer,
  type NonInviteServerInput,
  type NonInviteServerState,
  type NonInviteServerStateName,
  stepNonInviteServer,
} from "./non-invite-server-transaction.ts";
/** new TransactionLayer<D>({clock, timers, send, tu, config?}) — sendRequest, receiveRequest, receiveResponse, respond, transportError, close. */
export {
  type RequestDisposition,
  type Transaction,
  TransactionLayer,
  type TransactionLayerOptions,
  type TransactionUser,
} from "./transaction-layer.ts";
/** DEFAULT_TIMER_CONFIG (T1 500 ms, T2 4 s, T4 5 s), timerConfig(partial), timer names, actions, Step<S>. */
export {
  DEFAULT_TIMER_CONFIG,
  type MachineOptions,
  type Step,
  type TimerConfig,
  type TimerName,
  type TransactionAction,
  timerConfig,
} from "./types.ts";
