/**
 * The ACK an INVITE client transaction sends for a 300-699 final response (RFC 3261
 * §17.1.1.3). It belongs to the INVITE transaction (same branch), unlike the ACK for a 2xx,
 * which the UAC core builds as a new transaction (§13.2.2.4, see sip/dialog).
 */
import {
  createRequest,
  getCSeq,
  getHeader,
  getHeaders,
  type Header,
  type SipRequest,
  type SipResponse,
} from "../message/index.ts";

/**
 * §17.1.1.3: Call-ID, From and Request-URI equal the INVITE's; To equals the response's To
 * (it carries the UAS tag); a single Via equal to the INVITE's top Via; CSeq has the INVITE's
 * number with method ACK; Route headers are copied from the INVITE.
 */
export function ackForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const headers: Header[] = [];
  const via = getHeader(invite, "via");
  if (via !== undefined) headers.push({ name: "Via", value: via });
  const maxForwards = getHeader(invite, "max-forwards");
  if (maxForwards !== undefined) headers.push({ name: "Max-Forwards", value: maxForwards });
  for (const route of getHeaders(invite, "route")) headers.push({ name: "Route", value: route });
  const from = getHeader(invite, "from");
  if (from !== undefined) headers.push({ name: "From", value: from });
  const to = getHeader(response, "to") ?? getHeader(invite, "to");
  if (to !== undefined) headers.push({ name: "To", value: to });
  const callId = getHeader(invite, "call-id");
  if (callId !== undefined) headers.push({ name: "Call-ID", value: callId });
  const seq = getCSeq(invite)?.seq ?? 0;
  headers.push({ name: "CSeq", value: `${seq} ACK` });
  return createRequest({ method: "ACK", uri: invite.uri, headers });
}
