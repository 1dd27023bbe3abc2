/**
 * Rejects API requests that announce a body over the limit (spec/rest-api.md: "Request bodies
 * larger than 10 MiB → 413") before any handler reads it. Bodies without `Content-Length`
 * (chunked) are bounded while read, in `validation/read-json-body.ts`.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "../../errors.ts";

export function payloadTooLarge(maxBytes: number): ApiError {
  return new ApiError("payload_too_large", `request body is larger than ${maxBytes} bytes`);
}

export function bodySizeLimit(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const length = c.req.header("Content-Length");
    if (length !== undefined && Number(length) > maxBytes) return errorResponse(payloadTooLarge(maxBytes));
    await next();
  };
}
