/**
 * Reads the app's answer to `POST {url}/incoming` (spec/webhooks.md §2 "Response") and maps a
 * reject reason to its SIP final response (spec/sip.md §5 "app rejects"). The body is parsed as
 * JSON whatever the Content-Type; unknown fields are ignored; a known field of the wrong type
 * is an error (so `"stream": "false"` can never silently enable streaming), as is a missing or
 * unknown `action`. Remote input never throws: the result says why it was refused.
 */
import type { IncomingAccept, IncomingReject } from "../call/events.ts";
import { err, ok, type Result } from "../lib/result.ts";

/** sip.md §5: reject reason → SIP status. */
const REJECT_CODES: Readonly<Record<string, number>> = {
  busy: 486,
  declined: 603,
  rejected: 603,
  unavailable: 480,
  not_found: 404,
  forbidden: 403,
};

/** `486 Busy Here` for `busy`, an omitted reason and any reason not in the table (as upstream). */
const DEFAULT_REJECT_CODE = 486;

/** The SIP status for a reject `reason` (sip.md §5). */
export function rejectSipCode(reason: string): number {
  return Object.hasOwn(REJECT_CODES, reason) ? REJECT_CODES[reason]! : DEFAULT_REJECT_CODE;
}

/**
 * A usable per-call `webhook_url` (webhooks.md §2 accept, rest-api.md §3 `POST /v1/calls`): an
 * absolute http or https URL, since events are POSTed to it with fetch.
 */
export function isHttpUrl(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const p = new URL(s).protocol;
  return p === "http:" || p === "https:";
}

function isStringRecord(v: unknown): v is Record<string, string> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((x) => typeof x === "string");
}

function parseAccept(d: Record<string, unknown>): Result<IncomingAccept, string> {
  const { stream, custom_parameters: params, webhook_url: url } = d;
  if (stream !== undefined && typeof stream !== "boolean") return err("stream is not a boolean");
  if (params !== undefined && !isStringRecord(params)) {
    return err("custom_parameters is not an object of strings");
  }
  if (url !== undefined && (typeof url !== "string" || !isHttpUrl(url))) {
    return err("webhook_url is not an http(s) URL");
  }
  const base = { action: "accept" as const, stream: stream ?? true, customParameters: params ?? {} };
  return ok(url === undefined ? base : { ...base, webhookUrl: url });
}

function parseReject(d: Record<string, unknown>): Result<IncomingReject, string> {
  const { reason, sip_code: code } = d;
  if (reason !== undefined && typeof reason !== "string") return err("reason is not a string");
  if (code !== undefined && !(Number.isInteger(code) && Number(code) >= 400 && Number(code) <= 699)) {
    return err("sip_code is not an integer in 400–699");
  }
  const r = reason ?? "busy";
  return ok({ action: "reject", reason: r, sipCode: code === undefined ? rejectSipCode(r) : Number(code) });
}

/** The decision in a 2xx body, or why it is unusable (→ 503, webhooks.md §2 "Outcomes"). */
export function parseIncomingDecision(body: string): Result<IncomingAccept | IncomingReject, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return err("body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return err("body is not a JSON object");
  }
  const d = parsed as Record<string, unknown>;
  if (d.action === "accept") return parseAccept(d);
  if (d.action === "reject") return parseReject(d);
  return err(d.action === undefined ? "action is missing" : "action is not accept or reject");
}
