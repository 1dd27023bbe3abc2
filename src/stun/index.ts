/**
 * Public surface of the STUN core (RFC 8489 Binding; RFC 5769 vectors in tests). Pure: the
 * socket side lives in `src/trunk/stun-client.ts`.
 */
export {
  decodeMappedAddress,
  decodeXorMappedAddress,
  encodeMappedAddress,
  encodeXorMappedAddress,
  type TransportAddress,
} from "./address.ts";
export {
  type BindingRequestOptions,
  type BindingResult,
  encodeBindingRequest,
  encodeBindingSuccess,
  newTransactionId,
  readBindingResponse,
} from "./binding.ts";
export {
  DEFAULT_RC,
  DEFAULT_RM,
  DEFAULT_RTO_MS,
  type StunRetransmitOptions,
  type StunSchedule,
  stunRetransmitSchedule,
} from "./retransmit.ts";
export {
  ATTR,
  decodeStunMessage,
  encodeStunMessage,
  findAttribute,
  isStunMessage,
  MAGIC_COOKIE,
  METHOD_BINDING,
  messageType,
  type StunAttribute,
  type StunClass,
  type StunMessage,
} from "./stun-message.ts";
