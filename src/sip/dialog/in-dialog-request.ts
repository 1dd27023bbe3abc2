/**
 * Requests sent inside a dialog (RFC 3261 §12.2.1.1): Request-URI and Route from the route
 * set with loose and strict routing, the local CSeq, From/To/Call-ID from the dialog; and the
 * ACK for a 2xx, which the UAC core builds itself (§13.2.2.4).
 */
import { type Random, randomU32 } from "../../lib/random.ts";
import { createRequest, getCSeq, type Header, parseNameAddr, type SipRequest } from "../message/index.ts";
import type { Dialog } from "./dialog.ts";

/** The Request-URI and Route values of a request in this dialog (§12.2.1.1). */
export interface RequestTarget {
  uri: string;
  routes: string[];
}

/**
 * §12.2.1.1: no route set → Request-URI = remote target, no Route. First route loose (`;lr`)
 * → Request-URI = remote target, Route = route set. First route strict (no `;lr`, an RFC 2543
 * proxy) → Request-URI = that route's URI (§12.2.1.1: parameters not allowed in a
 * Request-URI stripped — we drop its header part), Route = the rest of the route set plus the
 * remote target as the last entry.
 */
export function requestTarget(dialog: Dialog): RequestTarget {
  const first = dialog.routeSet[0];
  if (first === undefined) return { uri: dialog.remoteTarget, routes: [] };
  const parsed = parseNameAddr(first);
  // An unparseable first route is treated as loose: the remote target stays reachable.
  if (!parsed.ok || parsed.value.uri.params.has("lr"))
    return { uri: dialog.remoteTarget, routes: [...dialog.routeSet] };
  const uri = stripHeaders(uriOf(first));
  return { uri, routes: [...dialog.routeSet.slice(1), `<${dialog.remoteTarget}>`] };
}

/** The addr-spec inside a name-addr value (between `<` and `>`), or the value itself. */
function uriOf(nameAddr: string): string {
  const lt = nameAddr.indexOf("<");
  const gt = nameAddr.lastIndexOf(">");
  return lt >= 0 && gt > lt ? nameAddr.slice(lt + 1, gt) : nameAddr.trim();
}

function stripHeaders(uri: string): string {
  const q = uri.indexOf("?");
  return q < 0 ? uri : uri.slice(0, q);
}

/** Methods that refresh the remote target and so carry our Contact (§12.2, RFC 3311, RFC 6665, RFC 3515). */
const TARGET_REFRESH = new Set(["INVITE", "UPDATE", "SUBSCRIBE", "NOTIFY", "REFER"]);

export interface InDialogOptions {
  /** Our top Via with a fresh branch; omitted when the transport adds it. */
  via?: string;
  /** Our Contact (name-addr), put on target refresh requests (§12.2.1.1). */
  contact?: string;
  /** Draws the first CSeq when the local sequence is empty (a UAS that never sent a request). */
  random: Random;
  headers?: Header[];
  body?: Uint8Array;
  contentType?: string;
}

/**
 * §12.2.1.1: a new request in the dialog. CSeq = local CSeq + 1 (a random start below 2^31
 * when empty), To = remote URI and tag, From = local URI and tag, Call-ID of the dialog.
 * Returns the request and the dialog with the new local CSeq. Not for ACK (see `ackFor2xx`)
 * nor CANCEL (§9.1 copies the INVITE).
 */
export function createInDialogRequest(
  dialog: Dialog,
  method: string,
  opts: InDialogOptions,
): { request: SipRequest; dialog: Dialog } {
  const seq = dialog.localSeq === undefined ? randomU32(opts.random) & 0x7fffffff || 1 : dialog.localSeq + 1;
  const contact = TARGET_REFRESH.has(method) ? opts.contact : undefined;
  const request = build(dialog, method, seq, opts, contact, []);
  return { request, dialog: { ...dialog, localSeq: seq } };
}

/**
 * §13.2.2.4: the ACK for a 2xx is built by the UAC core like an in-dialog request (§12.2.1.1:
 * route set, remote target) but with the INVITE's CSeq number and method ACK, a new branch
 * (its own Via, from `opts.via`), and the INVITE's Authorization/Proxy-Authorization (§22.1).
 * The local CSeq does not move.
 */
export function ackFor2xx(
  dialog: Dialog,
  invite: SipRequest,
  opts: Omit<InDialogOptions, "random">,
): SipRequest {
  const seq = getCSeq(invite)?.seq ?? dialog.localSeq ?? 1;
  const auth = invite.headers.filter((h) => /^(proxy-)?authorization$/i.test(h.name)).map((h) => ({ ...h }));
  return build(dialog, "ACK", seq, opts, undefined, auth);
}

function build(
  dialog: Dialog,
  method: string,
  seq: number,
  opts: Omit<InDialogOptions, "random">,
  contact: string | undefined,
  extra: Header[],
): SipRequest {
  const target = requestTarget(dialog);
  const headers: Header[] = [];
  if (opts.via !== undefined) headers.push({ name: "Via", value: opts.via });
  for (const route of target.routes) headers.push({ name: "Route", value: route });
  headers.push(
    { name: "From", value: dialog.local },
    { name: "To", value: dialog.remote },
    { name: "Call-ID", value: dialog.callId },
    { name: "CSeq", value: `${seq} ${method}` },
  );
  if (contact !== undefined) headers.push({ name: "Contact", value: contact });
  headers.push(...extra, ...(opts.headers ?? []));
  const req: Parameters<typeof createRequest>[0] = { method, uri: target.uri, headers };
  if (opts.body !== undefined) req.body = opts.body;
  if (opts.contentType !== undefined) req.contentType = opts.contentType;
  return createRequest(req);
}
