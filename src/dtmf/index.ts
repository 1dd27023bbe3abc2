/**
 * Public surface of the DTMF module (RFC 4733 events, SIP INFO bodies, the REST digit rule)
 * for the media, call and API layers.
 */
export { type Digit, validateDtmfDigits } from "./digits.ts";
export {
  type DigitReportCause,
  DtmfReceiver,
  type DtmfReceiverOptions,
  type ReceivedDigit,
} from "./receiver.ts";
export { DtmfSender, type DtmfSenderOptions, type DtmfTick } from "./sender.ts";
export {
  buildDtmfRelayBody,
  DTMF_RELAY_CONTENT_TYPE,
  type DtmfInfo,
  parseDtmfInfo,
} from "./sip-info.ts";
export { decodeTelephoneEvent, encodeTelephoneEvent, type TelephoneEvent } from "./telephone-event.ts";
