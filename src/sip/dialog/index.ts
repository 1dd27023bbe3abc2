/**
 * Public surface of the dialog layer (RFC 3261 §12, §13.2.2.4, §13.3.1.4). Other modules
 * import from here only.
 */

// Dialog record and its rules: creation (§12.1), confirmation, target refresh (§12.2), remote CSeq (§12.2.2), ids.
export {
  acceptRemoteCSeq,
  confirmUacDialog,
  createUacDialog,
  createUasDialog,
  type Dialog,
  type DialogState,
  dialogKey,
  dialogKeyOfRequest,
  dialogKeyOfResponse,
  keyOfDialog,
  refreshRemoteTarget,
} from "./dialog.ts";
// In-dialog requests (§12.2.1.1, loose and strict routing) and the ACK for a 2xx (§13.2.2.4).
export {
  ackFor2xx,
  createInDialogRequest,
  type InDialogOptions,
  type RequestTarget,
  requestTarget,
} from "./in-dialog-request.ts";
// UAS 2xx retransmission until ACK, with the ack timeout (§13.3.1.4), as a pure machine.
export {
  createUas2xxRetransmission,
  stepUas2xxRetransmission,
  type Uas2xxAction,
  type Uas2xxInput,
  type Uas2xxOptions,
  type Uas2xxState,
  type Uas2xxStep,
  type Uas2xxTimer,
} from "./uas-2xx-retransmission.ts";
