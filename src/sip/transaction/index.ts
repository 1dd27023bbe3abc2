/**
 * Public surface of the SIP transaction layer (RFC 3261 §17 with RFC 6026). Other modules
 * import from here only.
 */

// The ACK a non-2xx final gets from the INVITE client transaction (§17.1.1.3).
export { ackForNon2xx } from "./ack-for-non-2xx.ts";
// INVITE client machine (§17.1.1 + RFC 6026 Accepted/Timer M): create and step.
export {
  createInviteClient,
  type InviteClientInput,
  type InviteClientState,
  type InviteClientStateName,
  stepInviteClient,
} from "./invite-client-transaction.ts";
// INVITE server machine (§17.2.1 + RFC 6026 Accepted/Timer L): create and step.
export {
  createInviteServer,
  type InviteServerInput,
  type InviteServerOptions,
  type InviteServerState,
  type InviteServerStateName,
  stepInviteServer,
} from "./invite-server-transaction.ts";
// One union over the four machines (used by the layer; handy for tests and tools).
export {
  type AnyTransactionInput,
  type AnyTransactionState,
  createClientMachine,
  createServerMachine,
  stepMachine,
  type TransactionKind,
} from "./machine.ts";
// Branches (§8.1.1.7) and the matching keys of §17.1.3 / §17.2.3 / §9.2.
export {
  BRANCH_COOKIE,
  clientKeyOfRequest,
  clientKeyOfResponse,
  newBranch,
  serverKey,
  topBranch,
} from "./matching.ts";
// Non-INVITE client machine (§17.1.2): create and step.
export {
  createNonInviteClient,
  type NonInviteClientInput,
  type NonInviteClientState,
  type NonInviteClientStateName,
  stepNonInviteClient,
} from "./non-invite-client-transaction.ts";
// Non-INVITE server machine (§17.2.2): create and step.
export {
  createNonInviteServer,
  type NonInviteServerInput,
  type NonInviteServerState,
  type NonInviteServerStateName,
  stepNonInviteServer,
} from "./non-invite-server-transaction.ts";
// The transaction layer: matching, timers on an injected Timers port, TU callbacks.
export {
  type RequestDisposition,
  type Transaction,
  TransactionLayer,
  type TransactionLayerOptions,
  type TransactionUser,
} from "./transaction-layer.ts";
// Timer names, T1/T2/T4 config and defaults, machine actions and step type.
export {
  DEFAULT_TIMER_CONFIG,
  type MachineOptions,
  type Step,
  type TimerConfig,
  type TimerName,
  type TransactionAction,
  timerConfig,
} from "./types.ts";
