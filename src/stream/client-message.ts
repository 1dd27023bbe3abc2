/**
 * Client → server JSON text messages (spec/websocket.md §4) and the malformed-input rules for
 * them (§8): anything that is not JSON, not an object, has no or an unknown `event`, a `media`
 * without a string `media.payload` or a `mark` without a string `mark.name` is an error value
 * with a reason (logged at debug by the session, never thrown). `streamSid` and extra fields
 * are not checked (§4).
 */
import { err, ok, type Result } from "../lib/result.ts";

export type ClientMessage =
  | { readonly event: "media"; readonly payload: string }
  | { readonly event: "mark"; readonly name: string }
  | { readonly event: "clear" };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parseClientMessage(text: string): Result<ClientMessage, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err("not JSON");
  }
  if (!isObject(value)) return err("JSON is not an object");
  switch (value.event) {
    case "media": {
      const media = value.media;
      if (!isObject(media) || typeof media.payload !== "string")
        return err("media without string media.payload");
      return ok({ event: "media", payload: media.payload });
    }
    case "mark": {
      const mark = value.mark;
      if (!isObject(mark) || typeof mark.name !== "string") return err("mark without string mark.name");
      return ok({ event: "mark", name: mark.name });
    }
    case "clear":
      return ok({ event: "clear" });
    case undefined:
      return err("missing event");
    default:
      return err("unknown event");
  }
}
