/**
 * CSeq (RFC 3261 §20.16): `1*DIGIT LWS Method`. §8.1.1.5: the sequence number MUST be
 * expressible as a 32-bit unsigned integer and less than 2**31 when chosen by a UAC; we accept
 * the full 32-bit range on receipt and reject anything larger (RFC 4475 §3.1.2.4 scalarlg).
 */
import { ok, parseError, type Result } from "../../lib/result.ts";
import { isToken, parseBoundedInt, trimLws } from "./text.ts";
import type { CSeq } from "./types.ts";

export const MAX_CSEQ = 0xffffffff;

export function parseCSeq(input: string): Result<CSeq> {
  const m = /^([0-9]+)\s+(\S+)$/.exec(trimLws(input));
  if (!m) return parseError("CSeq is not <number> <method>", 0);
  const seq = parseBoundedInt(m[1]!, MAX_CSEQ);
  if (seq === undefined) return parseError("CSeq number exceeds 2**32-1", 0);
  if (!isToken(m[2]!)) return parseError("CSeq method is not a token", 0);
  return ok({ seq, method: m[2]! });
}

export function serializeCSeq(c: CSeq): string {
  return `${c.seq} ${c.method}`;
}
