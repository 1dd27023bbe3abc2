/**
 * The dialog facts a UA needs to send requests inside a call (RFC 3261 §12.1.1 UAS side,
 * §12.1.2 UAC side) and the builder for in-dialog requests (§12.2.1.1) and the ACK for a 2xx
 * (§13.2.2.4). Loose routing only (every proxy we meet sets `;lr`, RFC 3261 §16.12.1.1).
 */
import {
  canonicalName,
  createRequest,
  getCSeq,
  getHeader,
  getHeaders,
  getNameAddr,
  type Header,
  type SipRequest,
  type SipResponse,
  serializeUri,
} from "../message/index.ts";

export interface DialogRef {
  callId: string;
  /** Our From (as UAC) or To (as UAS) value including our tag: used as From in our requests. */
  local: string;
  /** The peer's value including its tag: used as To in our requests. */
  remote: string;
  localTag: string;
  remoteTag: string;
  /** Request-URI for requests we send: the peer's Contact (§12.1.1, §12.1.2). */
  remoteTarget: string;
  /** Route headers for our requests, in order. */
  routeSet: string[];
  /** Last CSeq number we used; the next request uses +1 (§12.2.1.1). */
  localSeq: number;
  /** Highest CSeq number received from the peer; lower in-dialog requests get 500 (§12.2.2). */
  remoteSeq: number;
}

/** UAC side (§12.1.2): from our INVITE and the 2xx (or 1xx with To tag) that created the dialog. */
export function dialogFromResponse(invite: SipRequest, response: SipResponse): DialogRef | undefined {
  const from = getHeader(invite, "From");
  const to = getHeader(response, "To");
  const localTag = getNameAddr(invite, "From")?.params.get("tag");
  const remoteTag = getNameAddr(response, "To")?.params.get("tag");
  const callId = getHeader(invite, "Call-ID");
  const cseq = getCSeq(invite);
  if (from === undefined || to === undefined || !localTag || !remoteTag || callId === undefined || !cseq)
    return undefined;
  const contact = getNameAddr(response, "Contact");
  return {
    callId,
    local: from,
    remote: to,
    localTag,
    remoteTag,
    remoteTarget: contact !== undefined ? serializeUri(contact.uri) : invite.uri,
    // §12.1.2: the route set is the Record-Route list of the response, reversed.
    routeSet: getHeaders(response, "Record-Route").reverse(),
    localSeq: cseq.seq,
    remoteSeq: 0,
  };
}

/** UAS side (§12.1.1): from the INVITE we received and the To tag we chose. */
export function dialogFromRequest(
  invite: SipRequest,
  localTag: string,
  localSeq: number,
): DialogRef | undefined {
  const from = getHeader(invite, "From");
  const to = getHeader(invite, "To");
  const remoteTag = getNameAddr(invite, "From")?.params.get("tag");
  const callId = getHeader(invite, "Call-ID");
  const cseq = getCSeq(invite);
  if (from === undefined || to === undefined || !remoteTag || callId === undefined || !cseq) return undefined;
  // A request without Contact is answered toward its From URI (§8.1.1.8 requires Contact).
  const target = getNameAddr(invite, "Contact") ?? getNameAddr(invite, "From");
  if (target === undefined) return undefined;
  return {
    callId,
    local: `${to};tag=${localTag}`,
    remote: from,
    localTag,
    remoteTag,
    remoteTarget: serializeUri(target.uri),
    // §12.1.1: the route set is the Record-Route list of the request, in order.
    routeSet: getHeaders(invite, "Record-Route"),
    localSeq,
    remoteSeq: cseq.seq,
  };
}

export interface InDialogOptions {
  headers?: Header[];
  body?: Uint8Array;
  contentType?: string;
}

function baseHeaders(dialog: DialogRef, seq: number, method: string): Header[] {
  return [
    ...dialog.routeSet.map((value) => ({ name: "Route", value })),
    { name: "From", value: dialog.local },
    { name: "To", value: dialog.remote },
    { name: "Call-ID", value: dialog.callId },
    { name: "CSeq", value: `${seq} ${method}` },
  ];
}

/**
 * A request inside the dialog (§12.2.1.1): CSeq = local + 1, Request-URI = remote target,
 * Route = route set. Returns the request and the dialog with the new local CSeq.
 */
export function inDialogRequest(
  dialog: DialogRef,
  method: string,
  options: InDialogOptions = {},
): { request: SipRequest; dialog: DialogRef } {
  const seq = dialog.localSeq + 1;
  const request = createRequest({
    method,
    uri: dialog.remoteTarget,
    headers: [...baseHeaders(dialog, seq, method), ...(options.headers ?? [])],
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
  });
  return { request, dialog: { ...dialog, localSeq: seq } };
}

/**
 * The ACK for a 2xx (§13.2.2.4): built by the UA core, its own transaction-less request with
 * the INVITE's CSeq number, the dialog's Route set and remote target, and the INVITE's
 * Authorization headers (§22.1: credentials of the INVITE are reused).
 */
export function ackFor2xx(dialog: DialogRef, invite: SipRequest, options: InDialogOptions = {}): SipRequest {
  const seq = getCSeq(invite)?.seq ?? dialog.localSeq;
  const auth: Header[] = invite.headers
    .filter((h) => /^(proxy-)?authorization$/.test(canonicalName(h.name)))
    .map((h) => ({ ...h }));
  return createRequest({
    method: "ACK",
    uri: dialog.remoteTarget,
    headers: [...baseHeaders(dialog, seq, "ACK"), ...auth, ...(options.headers ?? [])],
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
  });
}

/**
 * CANCEL for a pending INVITE (§9.1): same Request-URI, Call-ID, To, From, CSeq number and the
 * INVITE's top Via only (so it matches the INVITE's transaction), plus its Route headers.
 */
export function cancelFor(invite: SipRequest): SipRequest {
  const seq = getCSeq(invite)?.seq ?? 1;
  const headers: Header[] = [];
  const topVia = getHeader(invite, "Via");
  if (topVia !== undefined) headers.push({ name: "Via", value: topVia });
  for (const name of ["route", "from", "to", "call-id"]) {
    for (const h of invite.headers) if (canonicalName(h.name) === name) headers.push({ ...h });
  }
  headers.push({ name: "CSeq", value: `${seq} CANCEL` });
  return createRequest({ method: "CANCEL", uri: invite.uri, headers });
}
