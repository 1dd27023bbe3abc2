/**
 * The NOTIFYs of a blind transfer (spec/sip.md §8): the `message/sipfrag` body (RFC 3420) that
 * carries the progress of the REFERred INVITE (RFC 3515 §2.4.5), the `Subscription-State`
 * header (RFC 6665 §8.2.3, grammar §8.4), and the decision they make together: transfer done,
 * failed, or still pending.
 *
 * RFC 3420 §2: a sipfrag is a SIP message with parts left out,
 *   sipfrag = [ start-line ] *message-header [ CRLF [ message-body ] ]
 * RFC 3515 §2.4.5: a REFER NOTIFY body "MUST begin with a SIP Response Status-Line", e.g.
 *   SIP/2.0 200 OK\r\n
 * Peers differ in the details (Asterisk and baresip end the line with CRLF, some send no line
 * end at all, some add headers), so the parser is lenient where no meaning is lost: bare LF,
 * a missing final CRLF, leading CRLFs (RFC 3261 §7.5), an empty Reason-Phrase.
 * Pure: no IO; bad input yields a reason, never a throw.
 */
import { fromUtf8 } from "../../lib/bytes.ts";
import { ok, parseError, type Result } from "../../lib/result.ts";
import { parseParams } from "./params.ts";
import { isToken, parseBoundedInt, trimLws } from "./text.ts";

/** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2, §25.1). */
export interface SipFragStatus {
  readonly code: number;
  readonly reason: string;
}

export interface SipFrag {
  /** Absent when the fragment starts with headers or is a request fragment. */
  readonly status?: SipFragStatus;
  /** `Method SP Request-URI` of a request fragment (RFC 3420 §2 allows one; REFER never sends it). */
  readonly request?: { readonly method: string; readonly uri: string };
  /** Header fields in order, names as written, continuation lines unfolded (RFC 3261 §7.3.1). */
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly body: string;
}

/** Bodies bigger than this are not REFER progress reports (a status line and a few headers). */
const MAX_SIPFRAG_BYTES = 8192;
const SIP_VERSION = /^SIP\/2\.0$/i;

function parseStatusLine(line: string): Result<SipFragStatus> {
  // SIP-Version is case-insensitive (RFC 3261 §25.1 ABNF literals); Status-Code is 3DIGIT.
  const m = /^(\S+) ([0-9]{3})(?: (.*))?$/.exec(line.trimEnd());
  if (m === null || !SIP_VERSION.test(m[1]!))
    return parseError(
      `sipfrag does not start with a SIP/2.0 Status-Line: ${JSON.stringify(line.slice(0, 40))}`,
      0,
    );
  const code = Number(m[2]);
  // §21: status classes 1xx–6xx only.
  if (code < 100 || code > 699) return parseError(`sipfrag status code ${code} is outside 100–699`, 0);
  return ok({ code, reason: m[3] ?? "" });
}

/** Parses a whole `message/sipfrag` body (RFC 3420 §2). */
export function parseSipFrag(input: Uint8Array | string): Result<SipFrag> {
  const size = typeof input === "string" ? input.length : input.byteLength;
  if (size > MAX_SIPFRAG_BYTES) return parseError(`sipfrag is longer than ${MAX_SIPFRAG_BYTES} bytes`);
  const text = (typeof input === "string" ? input : fromUtf8(input)).replace(/^(?:\r?\n)+/, "");
  if (text.trim() === "") return parseError("sipfrag is empty");
  const lines = text.split(/\r?\n/);

  let status: SipFragStatus | undefined;
  let request: SipFrag["request"];
  let i = 0;
  const first = lines[0]!;
  if (/^SIP\//i.test(first)) {
    const s = parseStatusLine(first);
    if (!s.ok) return s;
    status = s.value;
    i = 1;
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1).
    const m = /^(\S+) (\S+) (\S+)$/.exec(first);
    if (m !== null && SIP_VERSION.test(m[3]!) && isToken(m[1]!)) {
      request = { method: m[1]!, uri: m[2]! };
      i = 1;
    }
  }

  const headers: Array<{ name: string; value: string }> = [];
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") {
      i++;
      break;
    }
    const last = headers[headers.length - 1];
    if ((line[0] === " " || line[0] === "\t") && last !== undefined) {
      // Line folding (RFC 3261 §7.3.1): a continuation line is one SP in the value.
      last.value = `${last.value} ${trimLws(line)}`;
    } else {
      const colon = line.indexOf(":");
      const name = colon < 0 ? "" : line.slice(0, colon).trim();
      if (!isToken(name))
        return parseError(`sipfrag has a malformed header line ${JSON.stringify(line.slice(0, 40))}`);
      headers.push({ name, value: trimLws(line.slice(colon + 1)) });
    }
  }
  const body = lines.slice(i).join("\r\n");
  const frag: SipFrag = { headers, body };
  return ok(status !== undefined ? { ...frag, status } : request !== undefined ? { ...frag, request } : frag);
}

/** `Subscription-State` (RFC 6665 §8.2.3; ABNF §8.4). */
export interface SubscriptionState {
  /** `active`, `pending`, `terminated`, or an extension-substate token, lowercased. */
  readonly state: string;
  /** event-reason-value (`noresource`, `rejected`, `timeout`, …), lowercased; mostly with `terminated`. */
  readonly reason?: string;
  /** delta-seconds of `expires`. */
  readonly expires?: number;
  /** delta-seconds of `retry-after`. */
  readonly retryAfter?: number;
}

/** delta-seconds = 1*DIGIT (RFC 3261 §25.1); clamped to 2^32−1, the range §20.19 gives Expires. */
function deltaSeconds(v: string): number | undefined {
  if (!/^[0-9]+$/.test(v)) return undefined;
  return parseBoundedInt(v, 0xffffffff) ?? 0xffffffff;
}

/** Parses a `Subscription-State` header value: `substate-value *( SEMI subexp-params )`. */
export function parseSubscriptionState(value: string): Result<SubscriptionState> {
  const s = trimLws(value);
  const semi = s.indexOf(";");
  const state = trimLws(semi < 0 ? s : s.slice(0, semi)).toLowerCase();
  if (!isToken(state))
    return parseError(`Subscription-State has no valid substate: ${JSON.stringify(s.slice(0, 40))}`);
  const params = parseParams(semi < 0 ? "" : s.slice(semi));
  if (!params.ok) return parseError(`Subscription-State parameters: ${params.error.reason}`);
  let out: SubscriptionState = { state };
  const reason = params.value.get("reason");
  if (reason !== undefined && reason !== null) {
    if (!isToken(reason)) return parseError("Subscription-State reason must be a token");
    out = { ...out, reason: reason.toLowerCase() };
  }
  for (const [param, key] of [
    ["expires", "expires"],
    ["retry-after", "retryAfter"],
  ] as const) {
    const raw = params.value.get(param);
    if (raw === undefined) continue;
    const n = raw === null ? undefined : deltaSeconds(raw);
    if (n === undefined) return parseError(`Subscription-State ${param} must be delta-seconds`);
    out = { ...out, [key]: n };
  }
  return ok(out);
}

/** What one NOTIFY of the `refer` event package means for the transfer (spec/sip.md §8 step 3). */
export type ReferProgress =
  /** Keep waiting: a 1xx, or nothing decisive yet. `code` is the provisional status when there is one. */
  | { readonly kind: "pending"; readonly code?: number }
  /** The REFERred INVITE got a 2xx: BYE the original dialog, `call.ended` reason `transfer`. */
  | { readonly kind: "succeeded"; readonly code: number }
  /**
   * The target refused (≥ 300, `code` set) or the subscription ended without a final status
   * (`code` absent): the call stays up, `call.transfer_failed`. `reason` says which, for logs.
   */
  | { readonly kind: "failed"; readonly code?: number; readonly reason: string };

/**
 * Decides from a NOTIFY's body and its `Subscription-State` value (either may be missing or
 * malformed: a NOTIFY is answered 200 regardless, spec/sip.md §8).
 */
export function referProgress(
  body: Uint8Array | string | undefined,
  subscriptionState: string | undefined,
): ReferProgress {
  const frag = body === undefined ? undefined : parseSipFrag(body);
  const status = frag?.ok ? frag.value.status : undefined;
  // RFC 3515 §2.4.5: the sipfrag carries the result of the INVITE; a final one decides.
  if (status !== undefined && status.code >= 200 && status.code < 300)
    return { kind: "succeeded", code: status.code };
  if (status !== undefined && status.code >= 300)
    return {
      kind: "failed",
      code: status.code,
      reason: `transfer target answered ${status.code} ${status.reason}`.trimEnd(),
    };

  const sub = subscriptionState === undefined ? undefined : parseSubscriptionState(subscriptionState);
  // RFC 6665 §4.1.3: `terminated` ends the subscription, so no final status can follow. An
  // unknown (extension) substate says nothing about the INVITE, so it does not decide.
  if (sub?.ok && sub.value.state === "terminated") {
    const why = sub.value.reason === undefined ? "" : ` (reason=${sub.value.reason})`;
    return { kind: "failed", reason: `refer subscription terminated${why} without a final status` };
  }
  return status === undefined ? { kind: "pending" } : { kind: "pending", code: status.code };
}
