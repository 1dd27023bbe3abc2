/** Test helpers: SIP requests written as wire text and parsed, so tests exercise real messages. */
import {
  createResponse,
  parseMessage,
  type SipRequest,
  type SipResponse,
} from "../../../src/sip/message/index.ts";

export interface RequestSpec {
  method: string;
  branch?: string;
  /** sent-by of the top Via. */
  sentBy?: string;
  transport?: string;
  cseq?: number;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  uri?: string;
  extra?: string[];
}

export function request(spec: RequestSpec): SipRequest {
  const branch = spec.branch ?? "z9hG4bK776asdhds";
  const via = `SIP/2.0/${spec.transport ?? "UDP"} ${spec.sentBy ?? "pc33.atlanta.com:5060"};branch=${branch}`;
  const to = spec.toTag === undefined ? "<sip:bob@biloxi.com>" : `<sip:bob@biloxi.com>;tag=${spec.toTag}`;
  const lines = [
    `${spec.method} ${spec.uri ?? "sip:bob@biloxi.com"} SIP/2.0`,
    `Via: ${via}`,
    "Max-Forwards: 70",
    `To: ${to}`,
    `From: Alice <sip:alice@atlanta.com>;tag=${spec.fromTag ?? "1928301774"}`,
    `Call-ID: ${spec.callId ?? "a84b4c76e66710@pc33.atlanta.com"}`,
    `CSeq: ${spec.cseq ?? 314159} ${spec.method}`,
    "Contact: <sip:alice@pc33.atlanta.com>",
    ...(spec.extra ?? []),
    "Content-Length: 0",
    "",
    "",
  ];
  const parsed = parseMessage(new TextEncoder().encode(lines.join("\r\n")));
  if (!parsed.ok || parsed.value.kind !== "request")
    throw new Error(`bad test request: ${JSON.stringify(parsed)}`);
  return parsed.value;
}

export function response(req: SipRequest, status: number, toTag?: string): SipResponse {
  return toTag === undefined
    ? createResponse(req, status)
    : createResponse(req, status, undefined, { toTag });
}
