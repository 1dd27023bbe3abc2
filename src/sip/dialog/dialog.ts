/**
 * Dialog state (RFC 3261 §12): its identity (Call-ID, local tag, remote tag — §12), the
 * route set, remote target and CSeq spaces, created by the UAC from a 1xx-with-tag or 2xx
 * (§12.1.2) and by the UAS from the response it sends (§12.1.1), confirmed by a 2xx
 * (§13.2.2.4), refreshed by target refresh requests (§12.2), and checked against the remote
 * CSeq of in-dialog requests (§12.2.2). Pure functions on an immutable record.
 */
import { err, ok, type Result } from "../../lib/result.ts";
import {
  getCSeq,
  getHeader,
  getHeaders,
  getNameAddr,
  getTag,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  serializeUri,
} from "../message/index.ts";

export type DialogState = "early" | "confirmed";

export interface Dialog {
  state: DialogState;
  /** Which side created it: we sent the INVITE (`uac`) or received it (`uas`). */
  role: "uac" | "uas";
  callId: string;
  localTag: string;
  /** Empty only for RFC 2543 peers that send no tag (§12.1.1). */
  remoteTag: string;
  /** Our From (UAC) / To (UAS) value, with our tag: the From of our requests (§12.2.1.1). */
  local: string;
  /** The peer's value with its tag: the To of our requests. */
  remote: string;
  /** Request-URI of our requests: the peer's Contact URI (§12.1.1, §12.1.2). */
  remoteTarget: string;
  /** Route values in the order our requests carry them (reversed Record-Route for the UAC). */
  routeSet: string[];
  /** Last CSeq number we used; undefined ("empty") for a UAS that has sent nothing (§12.1.1). */
  localSeq?: number;
  /** Highest CSeq number received from the peer; empty for a UAC (§12.1.2). */
  remoteSeq?: number;
  /** §12.1.1/§12.1.2: the request was sent over TLS with a `sips:` Request-URI. */
  secure: boolean;
}

/** A string key for a dialog id, for maps. */
export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

/** The id of a dialog as a map key. */
export function keyOfDialog(d: Dialog): string {
  return dialogKey(d.callId, d.localTag, d.remoteTag);
}

/**
 * §12.2.2: the dialog a received request belongs to: local tag = To tag, remote tag = From
 * tag. Undefined when the request has no To tag (it is outside any dialog) or no Call-ID.
 */
export function dialogKeyOfRequest(request: SipRequest): string | undefined {
  const callId = getHeader(request, "call-id");
  const localTag = getTag(request, "to");
  if (callId === undefined || localTag === undefined) return undefined;
  return dialogKey(callId, localTag, getTag(request, "from") ?? "");
}

/** §12.1.2 / §12.2.1.2: the dialog a received response belongs to: local = From tag, remote = To tag. */
export function dialogKeyOfResponse(response: SipResponse): string | undefined {
  const callId = getHeader(response, "call-id");
  const localTag = getTag(response, "from");
  if (callId === undefined || localTag === undefined) return undefined;
  return dialogKey(callId, localTag, getTag(response, "to") ?? "");
}

function contactUri(msg: SipMessage): string | undefined {
  const contact = getNameAddr(msg, "contact");
  return contact === undefined ? undefined : serializeUri(contact.uri);
}

/**
 * UAC side (§12.1.2): from our INVITE and a 1xx carrying a To tag (early) or a 2xx
 * (confirmed). Route set = Record-Route of the response in reverse order; remote target =
 * its Contact; local CSeq = the INVITE's; remote CSeq empty.
 */
export function createUacDialog(invite: SipRequest, response: SipResponse): Result<Dialog, string> {
  const from = getHeader(invite, "from");
  const to = getHeader(response, "to");
  const localTag = getTag(invite, "from");
  const remoteTag = getTag(response, "to");
  const callId = getHeader(invite, "call-id");
  const cseq = getCSeq(invite);
  if (response.status < 101 || response.status > 299) return err("only 101-299 create a dialog (§12.1)");
  if (from === undefined || to === undefined || callId === undefined || cseq === undefined)
    return err("INVITE or response lacks From, To, Call-ID or CSeq");
  if (localTag === undefined) return err("our INVITE has no From tag (§8.1.1.3)");
  // §12.1: a provisional creates an early dialog only when it carries a To tag.
  if (remoteTag === undefined && response.status < 200) return err("1xx without To tag creates no dialog");
  const remoteTarget = contactUri(response);
  if (remoteTarget === undefined) return err("dialog-creating response has no Contact (§12.1.1)");
  return ok({
    state: response.status < 200 ? "early" : "confirmed",
    role: "uac",
    callId,
    localTag,
    remoteTag: remoteTag ?? "",
    local: from,
    remote: to,
    remoteTarget,
    routeSet: getHeaders(response, "record-route").reverse(),
    localSeq: cseq.seq,
    secure: invite.uri.toLowerCase().startsWith("sips:"),
  });
}

/**
 * UAS side (§12.1.1): from the request and the 1xx/2xx we send with our To tag. Route set =
 * Record-Route of the request in order; remote target = its Contact; remote CSeq = the
 * request's; local CSeq empty.
 */
export function createUasDialog(request: SipRequest, response: SipResponse): Result<Dialog, string> {
  const from = getHeader(request, "from");
  const to = getHeader(response, "to");
  const localTag = getTag(response, "to");
  const callId = getHeader(request, "call-id");
  const cseq = getCSeq(request);
  if (response.status < 101 || response.status > 299) return err("only 101-299 create a dialog (§12.1)");
  if (from === undefined || to === undefined || callId === undefined || cseq === undefined)
    return err("request or response lacks From, To, Call-ID or CSeq");
  if (localTag === undefined) return err("our response has no To tag (§12.1.1)");
  const remoteTarget = contactUri(request);
  if (remoteTarget === undefined) return err("dialog-creating request has no Contact (§12.1.1)");
  return ok({
    state: response.status < 200 ? "early" : "confirmed",
    role: "uas",
    callId,
    localTag,
    remoteTag: getTag(request, "from") ?? "",
    local: to,
    remote: from,
    remoteTarget,
    routeSet: getHeaders(request, "record-route"),
    remoteSeq: cseq.seq,
    secure: request.uri.toLowerCase().startsWith("sips:"),
  });
}

/**
 * UAC: a 2xx for an early dialog confirms it; the route set is recomputed from the 2xx
 * (§13.2.2.4) and the remote target taken from its Contact (§12.2.1.2).
 */
export function confirmUacDialog(dialog: Dialog, response: SipResponse): Dialog {
  if (response.status < 200 || response.status > 299) return dialog;
  const next: Dialog = { ...dialog, state: "confirmed", remote: getHeader(response, "to") ?? dialog.remote };
  if (dialog.state === "early") next.routeSet = getHeaders(response, "record-route").reverse();
  next.remoteTarget = contactUri(response) ?? dialog.remoteTarget;
  return next;
}

/**
 * §12.2: a target refresh request (re-INVITE, UPDATE…) received in the dialog, or the 2xx to
 * one we sent, replaces the remote target with its Contact URI. The route set never changes
 * after creation (§12.2).
 */
export function refreshRemoteTarget(dialog: Dialog, msg: SipMessage): Dialog {
  if (msg.kind === "response" && (msg.status < 200 || msg.status > 299)) return dialog;
  const target = contactUri(msg);
  return target === undefined ? dialog : { ...dialog, remoteTarget: target };
}

/**
 * §12.2.2: the remote CSeq check for a request received in the dialog. A number lower than
 * the remote CSeq is out of order (the UAS answers 500 Server Internal Error); otherwise it
 * becomes the remote CSeq. ACK and CANCEL reuse the number of the request they refer to
 * (§13.2.2.4, §9.1) and are not checked.
 */
export function acceptRemoteCSeq(
  dialog: Dialog,
  request: SipRequest,
): Result<Dialog, "out-of-order" | "no-cseq"> {
  if (request.method === "ACK" || request.method === "CANCEL") return ok(dialog);
  const cseq = getCSeq(request);
  if (cseq === undefined) return err("no-cseq");
  if (dialog.remoteSeq !== undefined && cseq.seq < dialog.remoteSeq) return err("out-of-order");
  return ok({ ...dialog, remoteSeq: cseq.seq });
}
