/**
 * Builds an out-of-dialog request a UAC starts a call or a query with (RFC 3261 §8.1.1):
 * From with our tag, To without tag, a Call-ID, CSeq, Contact, optional body. The stack adds the
 * top Via (sent-by and branch) when it sends it.
 */
import { createRequest, type Header, type SipRequest } from "../message/index.ts";

export interface OutOfDialogRequest {
  method: string;
  /** Request-URI. */
  uri: string;
  /** From value without tag, e.g. `<sip:alice@192.0.2.1>` or `"Alice" <sip:alice@host>`. */
  from: string;
  fromTag: string;
  /** To value, normally the Request-URI in brackets (§8.1.1.2). */
  to: string;
  callId: string;
  cseq?: number;
  /** Our Contact URI (§8.1.1.8: required in INVITE). */
  contact?: string;
  headers?: Header[];
  body?: Uint8Array;
  contentType?: string;
}

export function buildRequest(r: OutOfDialogRequest): SipRequest {
  const headers: Header[] = [
    { name: "From", value: `${r.from};tag=${r.fromTag}` },
    { name: "To", value: r.to },
    { name: "Call-ID", value: r.callId },
    { name: "CSeq", value: `${r.cseq ?? 1} ${r.method}` },
  ];
  if (r.contact !== undefined) headers.push({ name: "Contact", value: `<${r.contact}>` });
  return createRequest({
    method: r.method,
    uri: r.uri,
    headers: [...headers, ...(r.headers ?? [])],
    ...(r.body !== undefined ? { body: r.body } : {}),
    ...(r.contentType !== undefined ? { contentType: r.contentType } : {}),
  });
}
