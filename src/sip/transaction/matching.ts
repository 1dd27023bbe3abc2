/**
 * Transaction identity: branch generation (RFC 3261 §8.1.1.7) and the keys that match a
 * response to a client transaction (§17.1.3) and a request to a server transaction (§17.2.3,
 * with a minimal RFC 2543 fallback), including CANCEL → INVITE (§9.2).
 */
import { type Random, randomHex } from "../../lib/random.ts";
import {
  getCSeq,
  getHeader,
  getTag,
  type SipRequest,
  type SipResponse,
  topVia,
  type Via,
} from "../message/index.ts";

/** RFC 3261 §8.1.1.7: every branch created by an RFC 3261 element starts with this cookie. */
export const BRANCH_COOKIE = "z9hG4bK";

/** A fresh branch: the magic cookie followed by 64 random bits (§8.1.1.7: unique in space and time). */
export function newBranch(random: Random): string {
  return `${BRANCH_COOKIE}${randomHex(random, 8)}`;
}

/** The branch of a message's top Via, if any. */
export function topBranch(msg: SipRequest | SipResponse): string | undefined {
  return topVia(msg)?.params.get("branch") ?? undefined;
}

/**
 * §17.1.3: a response matches the client transaction whose request had the same top-Via
 * branch and whose method equals the CSeq method (so a CANCEL's 200 never reaches the INVITE
 * transaction with the same branch). Undefined when the response lacks either part.
 */
export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = topBranch(response);
  const cseq = getCSeq(response);
  if (branch === undefined || cseq === undefined) return undefined;
  return `${branch}|${cseq.method}`;
}

/** The key under which a client transaction for `request` is filed (same shape as above). */
export function clientKeyOfRequest(request: SipRequest): string | undefined {
  const branch = topBranch(request);
  return branch === undefined ? undefined : `${branch}|${request.method}`;
}

/** §18.2.1 sent-by with the default port filled in (5061 for TLS, else 5060), lowercased. */
function sentBy(via: Via): string {
  const port = via.port ?? (via.transport === "TLS" ? 5061 : 5060);
  return `${via.host.toLowerCase()}:${port}`;
}

/**
 * §17.2.3: the server transaction a request belongs to. With a magic-cookie branch the key is
 * branch + sent-by + method, where an ACK maps to INVITE (the ACK for a non-2xx is part of the
 * INVITE transaction). `asMethod` overrides the method: a CANCEL looks up the INVITE it
 * cancels with `asMethod = "INVITE"` (§9.2).
 *
 * Without the cookie (RFC 2543 peers) the minimal fallback of §17.2.3 is used: Request-URI,
 * From tag, Call-ID, CSeq number and the whole top Via. The To tag is left out, because the
 * ACK carries the tag of our response while the INVITE did not.
 */
export function serverKey(request: SipRequest, asMethod?: string): string | undefined {
  const via = topVia(request);
  const cseq = getCSeq(request);
  if (via === undefined || cseq === undefined) return undefined;
  const method = asMethod ?? (request.method === "ACK" ? "INVITE" : request.method);
  const branch = via.params.get("branch");
  if (branch?.startsWith(BRANCH_COOKIE)) return `${branch}|${sentBy(via)}|${method}`;
  const callId = getHeader(request, "call-id") ?? "";
  const fromTag = getTag(request, "from") ?? "";
  // §17.2.3 (RFC 2543): the Request-URI of a CANCEL/ACK equals the INVITE's; Via compares whole.
  const viaKey = `${via.transport} ${sentBy(via)};branch=${branch ?? ""}`;
  return `2543|${request.uri}|${fromTag}|${callId}|${cseq.seq}|${viaKey}|${method}`;
}
