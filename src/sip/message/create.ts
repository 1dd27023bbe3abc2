/**
 * Builders for new messages: responses to a received request (RFC 3261 §8.2.6) and requests
 * from a UAC (§8.1.1). Pure: tags, branches and Call-IDs come in from the caller, who draws
 * them from an injected Random.
 */
import { canonicalName } from "./headers.ts";
import { parseParams } from "./params.ts";
import { reasonPhrase } from "./reason-phrases.ts";
import { indexOutsideQuotes } from "./text.ts";
import type { Header, SipRequest, SipResponse } from "./types.ts";

export interface ResponseOptions {
  /** Added as `;tag=` to To when the request's To has none (§8.2.6.2). */
  toTag?: string;
  /** Extra headers, appended after the copied ones (Contact, Allow, WWW-Authenticate…). */
  headers?: Header[];
  body?: Uint8Array;
  /** Content-Type of `body`; written only when a body is given. */
  contentType?: string;
}

/** True when a To/From value already carries a tag parameter. */
function hasTag(value: string): boolean {
  const gt = value.lastIndexOf(">");
  const semi = indexOutsideQuotes(value, ";", Math.max(gt, 0));
  if (semi < 0) return false;
  const params = parseParams(value.slice(semi));
  return params.ok && params.value.has("tag");
}

/**
 * A response to `req` (§8.2.6.2): copies every Via in order, From, To (adding `toTag` when To
 * has no tag), Call-ID and CSeq; Timestamp on a 100 (§8.2.6.1); Record-Route on 101-299, the
 * responses that can establish a dialog (§12.1.1). `reason` defaults to the §21 phrase.
 */
export function createResponse(
  req: SipRequest,
  status: number,
  reason?: string,
  opts: ResponseOptions = {},
): SipResponse {
  const headers: Header[] = [];
  for (const h of req.headers) {
    const key = canonicalName(h.name);
    if (key === "via" || key === "from" || key === "call-id" || key === "cseq") headers.push({ ...h });
    else if (key === "to") {
      const tagged = opts.toTag !== undefined && !hasTag(h.value);
      headers.push({ name: h.name, value: tagged ? `${h.value};tag=${opts.toTag}` : h.value });
    } else if (key === "timestamp" && status === 100) headers.push({ ...h });
    else if (key === "record-route" && status > 100 && status < 300) headers.push({ ...h });
  }
  const body = opts.body ?? new Uint8Array(0);
  if (body.length > 0 && opts.contentType !== undefined)
    headers.push({ name: "Content-Type", value: opts.contentType });
  for (const h of opts.headers ?? []) headers.push({ ...h });
  return { kind: "response", status, reason: reason ?? reasonPhrase(status), headers, body };
}

export interface RequestOptions {
  method: string;
  /** Request-URI (serialize a SipUri with `serializeUri`). */
  uri: string;
  /** Via, From, To, Call-ID, CSeq, Contact… in the order to send them. */
  headers: Header[];
  body?: Uint8Array;
  contentType?: string;
}

/** A UAC request (§8.1.1); adds `Max-Forwards: 70` when the caller gave none (§8.1.1.6). */
export function createRequest(opts: RequestOptions): SipRequest {
  const headers = opts.headers.map((h) => ({ ...h }));
  if (!headers.some((h) => canonicalName(h.name) === "max-forwards")) {
    headers.push({ name: "Max-Forwards", value: "70" });
  }
  const body = opts.body ?? new Uint8Array(0);
  if (body.length > 0 && opts.contentType !== undefined)
    headers.push({ name: "Content-Type", value: opts.contentType });
  return { kind: "request", method: opts.method, uri: opts.uri, headers, body };
}
