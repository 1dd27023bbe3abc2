/**
 * Public surface of the call layer (DESIGN.md `call/`): the CallManager registry and its
 * commands, the ports the composition root implements, the call's states and events, domain
 * errors, and what the root needs of the trunk-host and registered-trunk rules. The flows
 * (inbound, dialing, mid-call commands) and the status machine are the manager's business.
 */
export type { CallView } from "./call.ts";
export { CallManager, type CallManagerOptions, MAX_PENDING_DECISIONS } from "./call-manager.ts";
export type { CallDirection, CallStatus } from "./call-state.ts";
export type { CallStreamListener, CallStreamPort } from "./call-stream-port.ts";
export { CONTROL_ERRORS, type CommandError, ControlError, type ControlErrorCode } from "./control-errors.ts";
export { CALL_ERRORS, CallError, type CallErrorCode } from "./errors.ts";
export type * from "./events.ts";
export { callEnded, endDuration } from "./events.ts";
export { DEFAULT_RING_TIMEOUT_S, type OutboundCallRequest } from "./outbound-dial.ts";
export type * from "./ports.ts";
export { TRANSFER_NO_FINAL_STATUS } from "./transfer.ts";
export {
  type AdvertiseOptions,
  ALLOW,
  type StrayAnswer,
  type TrunkPeer,
  uriHost,
} from "./trunk-host.ts";
export {
  type TrunkDialer,
  type TrunkInboundInvite,
  type TrunkInviteRequest,
  type TrunkLine,
  type TrunkPort,
  type TrunkProtocol,
  trunkDomain,
} from "./trunk-port.ts";
