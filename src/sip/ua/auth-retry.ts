/**
 * Answering a 401/407 challenge once (RFC 3261 §8.1.3.5, §22.2, §22.3; sip.md §2): the request
 * is re-sent with the same Call-ID, From tag and To, CSeq + 1, a fresh branch (the stack adds
 * a new top Via), and Authorization (for 401 / WWW-Authenticate) or Proxy-Authorization (for
 * 407 / Proxy-Authenticate) computed from the challenge. Pure.
 */
import type { Random } from "../../lib/random.ts";
import {
  buildAuthorization,
  type DigestChallenge,
  type DigestCredentials,
  parseChallenge,
} from "../auth/index.ts";
import {
  addHeader,
  getCSeq,
  getHeaders,
  removeHeader,
  type SipRequest,
  type SipResponse,
  setHeader,
} from "../message/index.ts";

export type AuthRetry =
  | { ok: true; request: SipRequest; challenge: DigestChallenge }
  | { ok: false; reason: string };

/**
 * The authenticated copy of `request` answering `response` (a 401 or 407), or why not.
 * `previousNonce` is the nonce we answered last time: a new challenge with the same nonce and
 * without `stale=true` means our credentials were refused (RFC 7616 §3.3, sip.md §2).
 */
export function authenticatedRetry(
  request: SipRequest,
  response: SipResponse,
  credentials: DigestCredentials,
  random: Random,
  previousNonce?: string,
): AuthRetry {
  const proxy = response.status === 407;
  if (!proxy && response.status !== 401)
    return { ok: false, reason: `status ${response.status} is not a challenge` };
  const headerName = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
  let challenge: DigestChallenge | undefined;
  for (const value of getHeaders(response, headerName)) {
    const parsed = parseChallenge(value);
    if (parsed.ok) {
      challenge = parsed.value;
      break;
    }
  }
  if (challenge === undefined) return { ok: false, reason: `no usable ${headerName} challenge` };
  if (previousNonce !== undefined && challenge.nonce === previousNonce && !challenge.stale) {
    return { ok: false, reason: "credentials rejected" };
  }
  const cseq = getCSeq(request);
  if (cseq === undefined) return { ok: false, reason: "request without CSeq" };
  const authorization = buildAuthorization(
    challenge,
    credentials,
    { method: request.method, uri: request.uri },
    random,
  );
  const credentialsHeader = proxy ? "Proxy-Authorization" : "Authorization";
  let next = removeHeader(request, "Via");
  next = removeHeader(next, credentialsHeader);
  next = setHeader(next, "CSeq", `${cseq.seq + 1} ${cseq.method}`);
  next = addHeader(next, credentialsHeader, authorization);
  return { ok: true, request: next, challenge };
}
