/**
 * CallEvent → the JSON body the app receives (spec/webhooks.md §3): `event`, `call_id`, the
 * event's fields in snake_case, and `timestamp` in ISO 8601 UTC with milliseconds. Also the
 * second-precision stamp of DLQ entries (§5).
 */
import type { CallEvent, CallEventName } from "../call/events.ts";

/** A lifecycle event body exactly as POSTed and as kept in the DLQ. */
export interface EventBody {
  readonly event: CallEventName;
  readonly call_id: string;
  readonly timestamp: string;
  readonly [field: string]: string | number | boolean;
}

/** `2026-03-12T10:30:00.120Z` (webhooks.md §3 `timestamp`). */
export function isoMillis(wallMs: number): string {
  return new Date(wallMs).toISOString();
}

/** `2026-03-12T10:30:00Z` (webhooks.md §5 entry `timestamp`). */
export function isoSeconds(wallMs: number): string {
  return `${new Date(wallMs).toISOString().slice(0, 19)}Z`;
}

/** Field order follows the spec's examples: `event`, `call_id`, extras, `timestamp`. */
export function toEventBody(e: CallEvent, wallMs: number): EventBody {
  const head = { event: e.type, call_id: e.callId };
  const timestamp = isoMillis(wallMs);
  switch (e.type) {
    case "call.ringing":
      return { ...head, from: e.from, to: e.to, timestamp };
    case "call.answered":
      return { ...head, timestamp };
    case "call.ended":
      return e.sipCode === undefined
        ? { ...head, reason: e.reason, duration: e.duration, timestamp }
        : { ...head, reason: e.reason, duration: e.duration, sip_code: e.sipCode, timestamp };
    case "call.dtmf":
      return { ...head, digit: e.digit, timestamp };
    case "call.hold":
    case "call.resumed":
      return { ...head, by: e.by, timestamp };
    case "call.play_finished":
      return { ...head, play_id: e.playId, interrupted: e.interrupted, timestamp };
    case "call.transfer_failed":
      return { ...head, target: e.target, sip_code: e.sipCode, timestamp };
  }
}
