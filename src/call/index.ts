/**
 * Public surface of the call layer (DESIGN.md `call/`): the CallManager registry and its
 * commands, the ports the composition root implements, the status machine, domain errors and
 * the trunk-host policy helpers, and the registered-trunk port and rules.
 */
export type { CallView, LocalSession } from "./call.ts";
export { CallManager, type CallManagerOptions, MAX_PENDING_DECISIONS } from "./call-manager.ts";
export {
  type CallDirection,
  type CallInput,
  type CallState,
  type CallStatus,
  callStep,
  newCallState,
  outboundEndReason,
} from "./call-state.ts";
export type { CallStreamListener, CallStreamPort } from "./call-stream-port.ts";
export { CONTROL_ERRORS, type CommandError, ControlError, type ControlErrorCode } from "./control-errors.ts";
export { CALL_ERRORS, CallError, type CallErrorCode } from "./errors.ts";
export type * from "./events.ts";
export { callEnded, endDuration } from "./events.ts";
export { DEFAULT_RING_TIMEOUT_S, type OutboundCallRequest } from "./outbound-dial.ts";
export type * from "./ports.ts";
export { TRANSFER_NO_FINAL_STATUS } from "./transfer.ts";
export {
  type Admission,
  type AdvertiseOptions,
  ALLOW,
  admitInvite,
  advertisedAddress,
  answerStrayRequest,
  peerDialUris,
  peerMatchesSource,
  type StrayAnswer,
  type TrunkPeer,
  uriHost,
} from "./trunk-host.ts";
export { receiveTrunkInvite, type TrunkInboundContext } from "./trunk-inbound.ts";
export {
  defaultTrunk,
  matchTrunkInvite,
  type TrunkDialer,
  type TrunkDialUris,
  type TrunkInboundInvite,
  type TrunkInviteRequest,
  type TrunkLine,
  type TrunkMatch,
  type TrunkPort,
  type TrunkProtocol,
  trunkDialUris,
  trunkDomain,
} from "./trunk-port.ts";
