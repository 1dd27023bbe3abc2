/**
 * The SIP message data model (RFC 3261 §7, §20, §25) shared by the parser, the serializer, the
 * transaction and dialog layers. Headers keep their received order and raw value; typed
 * accessors (Via, CSeq, name-addr, URI) are parsed on demand by `headers.ts` / `uri.ts`.
 */

/** Parameters of a URI, Via or name-addr: lowercase name → value (`null` for a flag such as `;lr`). */
export type Params = Map<string, string | null>;

/** A `sip:`, `sips:` or `tel:` URI (RFC 3261 §19.1, RFC 3966). */
export interface SipUri {
  scheme: "sip" | "sips" | "tel";
  /** User part, unescaped (`%40` → `@`); for `tel:` the number. */
  user?: string;
  password?: string;
  /** Host as written; an IPv6 reference keeps its brackets (`[2001:db8::1]`). Empty for `tel:`. */
  host: string;
  port?: number;
  /** uri-parameters (`;transport=tcp;lr`), names lowercased. */
  params: Params;
  /** `?name=value` headers, unescaped. */
  headers: Map<string, string>;
}

/** `"Display" <sip:u@h>;tag=x` or `sip:u@h;tag=x` (RFC 3261 §20.10, §25.1 name-addr / addr-spec). */
export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  /** Header parameters after the URI (`tag`, `expires`, `q`, …), names lowercased. */
  params: Params;
}

/** One Via header value (RFC 3261 §20.42, RFC 3581 `rport`). */
export interface Via {
  /** Protocol name and version, normally `SIP/2.0`. */
  protocol: string;
  /** Transport token uppercased: `UDP`, `TCP`, `TLS`, `WS`, … */
  transport: string;
  /** sent-by host; IPv6 references keep their brackets. */
  host: string;
  port?: number;
  /** `branch`, `received`, `rport` (null when present without a value), `maddr`, `ttl`, … */
  params: Params;
}

export interface CSeq {
  seq: number;
  method: string;
}

/** One header line as received: the name as written and the raw value (unfolded, trimmed). */
export interface Header {
  name: string;
  value: string;
}

interface MessageBase {
  /** Headers in wire order. A comma-separated multi-value header stays one entry here. */
  headers: Header[];
  /** The body as bytes (Content-Length counts bytes, RFC 3261 §20.14). */
  body: Uint8Array;
}

export interface SipRequest extends MessageBase {
  kind: "request";
  /** Method token, case-sensitive (RFC 3261 §7.1): `INVITE`, `ACK`, … */
  method: string;
  /** Request-URI as written on the start line. */
  uri: string;
}

export interface SipResponse extends MessageBase {
  kind: "response";
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/**
 * Compact header forms → full names: RFC 3261 §7.3.3 and §20, plus RFC 3265 (o, u), RFC 3515
 * (r), RFC 3892 (b), RFC 3841 (a, j, d), RFC 4028 (x), RFC 4474 (y, n).
 */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  v: "Via",
  f: "From",
  t: "To",
  i: "Call-ID",
  m: "Contact",
  l: "Content-Length",
  c: "Content-Type",
  k: "Supported",
  s: "Subject",
  e: "Content-Encoding",
  o: "Event",
  r: "Refer-To",
  b: "Referred-By",
  u: "Allow-Events",
  a: "Accept-Contact",
  j: "Reject-Contact",
  d: "Request-Disposition",
  x: "Session-Expires",
  y: "Identity",
  n: "Identity-Info",
};

/** Largest SIP message accepted (bytes), on any transport. */
export const MAX_MESSAGE_SIZE = 65536;
