/**
 * CANCEL for a pending INVITE (RFC 3261 §9.1): same Request-URI, Call-ID, To, From and CSeq
 * number as the INVITE, method CANCEL, and the INVITE's top Via only, so that it matches the
 * INVITE's server transaction at the peer (§9.2); the INVITE's Route headers are kept.
 */
import {
  canonicalName,
  createRequest,
  getCSeq,
  getHeader,
  type Header,
  type SipRequest,
} from "../message/index.ts";

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
