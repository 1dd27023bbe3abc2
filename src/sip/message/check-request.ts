/**
 * Semantic checks a UAS makes on a request that parsed (RFC 3261 §8.2.1–§8.2.2), returning the
 * error response to send. These are the RFC 4475 §3.1.2.17, §3.3.1, §3.3.2 and §3.3.5 cases:
 * the message is well-formed, so the answer is a 4xx rather than silence.
 */
import { getCSeq, getHeaders, hasHeader } from "./headers.ts";
import type { Header, SipRequest } from "./types.ts";

export interface RequestProblem {
  status: number;
  reason: string;
  /** Headers the error response must carry (e.g. Unsupported with a 420, §8.2.2.3). */
  headers: Header[];
}

export interface CheckRequestOptions {
  /** Option tags this UAS supports; a Require naming any other is answered 420 (§8.2.2.3). */
  supported?: readonly string[];
  /** Request-URI schemes this UAS handles (default sip, sips, tel); others get 416 (§8.2.2.1). */
  schemes?: readonly string[];
}

// §8.1.1: the minimum header set; Max-Forwards is left out so RFC 2543 peers (RFC 4475 §3.4.1
// inv2543) are still served, as a UAS never forwards.
const REQUIRED = ["To", "From", "Call-ID", "CSeq", "Via"];

/** The error response a UAS owes for `req`, or undefined when the request may be processed. */
export function checkRequest(req: SipRequest, opts: CheckRequestOptions = {}): RequestProblem | undefined {
  for (const name of REQUIRED) {
    if (!hasHeader(req, name)) return { status: 400, reason: `Missing ${name}`, headers: [] };
  }
  const scheme = req.uri.slice(0, Math.max(req.uri.indexOf(":"), 0)).toLowerCase();
  if (!(opts.schemes ?? ["sip", "sips", "tel"]).includes(scheme)) {
    return { status: 416, reason: "Unsupported URI Scheme", headers: [] };
  }
  const cseq = getCSeq(req);
  // §8.1.1.5: the CSeq method MUST match the request method (RFC 4475 §3.1.2.17).
  if (cseq === undefined || cseq.method !== req.method) {
    return { status: 400, reason: "CSeq method does not match", headers: [] };
  }
  if (req.method !== "ACK" && req.method !== "CANCEL") {
    // §8.2.2.3: ACK and CANCEL never trigger a 420.
    const supported = new Set((opts.supported ?? []).map((t) => t.toLowerCase()));
    const unknown = getHeaders(req, "require").filter((t) => !supported.has(t.toLowerCase()));
    if (unknown.length > 0) {
      return {
        status: 420,
        reason: "Bad Extension",
        headers: [{ name: "Unsupported", value: unknown.join(", ") }],
      };
    }
  }
  return undefined;
}
