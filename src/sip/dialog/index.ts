/**
 * Public surface of the dialog layer (RFC 3261 §12, §13.2.2.4, §13.3.1.4). Other modules
 * import from here only.
 */

/**
 * createUacDialog(invite, 1xx-with-tag|2xx) / createUasDialog(request, our 1xx|2xx): Result<Dialog> (§12.1);
 * confirmUacDialog(dialog, 2xx) (§13.2.2.4); refreshRemoteTarget(dialog, msg) (§12.2);
 * acceptRemoteCSeq(dialog, request): Result<Dialog, "out-of-order"> (§12.2.2);
 * dialogKey / keyOfDialog / dialogKeyOfRequest / dialogKeyOfResponse — dialog ids as map keys.
 */
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
/**
 * createInDialogRequest(dialog, method, opts): { request, dialog } (§12.2.1.1, CSeq + 1);
 * ackFor2xx(dialog, invite, opts): SipRequest (§13.2.2.4); requestTarget(dialog): Request-URI
 * and Route for loose and strict routing.
 */
export {
  ackFor2xx,
  createInDialogRequest,
  type InDialogOptions,
  type RequestTarget,
  requestTarget,
} from "./in-dialog-request.ts";
/** createUas2xxRetransmission(2xx, opts, now) / stepUas2xxRetransmission(state, input, now) — §13.3.1.4 with "ack-timeout". */
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
