/**
 * Reads the JSON object body of a body-taking endpoint (spec/rest-api.md §1.4–1.5) without
 * throwing: a body with a non-JSON `Content-Type` → 415, more than the limit → 413 (checked
 * while reading, for bodies without `Content-Length`), missing, not UTF-8, not JSON or not an
 * object → 400.
 */
import { readBounded } from "../../lib/read-bounded.ts";
import { err, ok, type Result } from "../../lib/result.ts";
import { ApiError } from "../errors.ts";
import { MAX_BODY_BYTES } from "../limits.ts";
import { payloadTooLarge } from "../middleware/body-size/index.ts";

export type JsonObject = Record<string, unknown>;

/** A JSON text exchanged between systems MUST be UTF-8 (RFC 8259 §8.1): reject, do not repair. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function notAnObject(): ApiError {
  return new ApiError("invalid_request", "request body must be a JSON object");
}

/** `application/json`, with or without parameters such as `charset=utf-8` (RFC 9110 §8.3.1). */
function isJsonMediaType(contentType: string | null): boolean {
  if (contentType === null) return false;
  return contentType.split(";")[0]!.trim().toLowerCase() === "application/json";
}

function parseObject(bytes: Uint8Array): Result<JsonObject, ApiError> {
  let text: string;
  let value: unknown;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return err(new ApiError("invalid_request", "request body is not valid UTF-8"));
  }
  try {
    value = JSON.parse(text);
  } catch (e) {
    const why = e instanceof SyntaxError ? `: ${e.message}` : "";
    return err(new ApiError("invalid_request", `request body is not valid JSON${why}`));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return err(notAnObject());
  return ok(value as JsonObject);
}

export async function readJsonObject(
  req: Request,
  maxBytes = MAX_BODY_BYTES,
): Promise<Result<JsonObject, ApiError>> {
  const hasBody = req.body !== null && req.headers.get("Content-Length") !== "0";
  if (!hasBody) return err(notAnObject());
  if (!isJsonMediaType(req.headers.get("Content-Type"))) {
    return err(
      new ApiError("unsupported_media_type", "request body must have Content-Type: application/json"),
    );
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readBounded(req.body!, maxBytes);
  } catch {
    // The client went away or the stream was already consumed.
    return err(new ApiError("invalid_request", "request body could not be read"));
  }
  if (bytes === undefined) return err(payloadTooLarge(maxBytes));
  if (bytes.byteLength === 0) return err(notAnObject());
  return parseObject(bytes);
}
