/**
 * API error classification and the JSON error body (spec/rest-api.md §1.4). Every non-2xx
 * response is `{ "error": <code>, "message": <sentence naming the field or object> }` with
 * `Content-Type: application/json`; each code maps to exactly one HTTP status (DESIGN.md rule 5).
 */

/** rest-api.md §1.4 code table: stable code → its one HTTP status. */
export const API_ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  stream_disabled: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  bad_gateway: 502,
  unavailable: 503,
  gateway_timeout: 504,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
export type ApiErrorStatus = (typeof API_ERROR_STATUS)[ApiErrorCode];

export interface ApiErrorBody {
  readonly error: ApiErrorCode;
  readonly message: string;
}

/**
 * A request that fails with a known code. Handlers may return `errorResponse(e)` or throw it;
 * the app's error handler turns a thrown ApiError into the same response, anything else into
 * a logged 500 `internal`.
 */
export class ApiError extends Error {
  readonly status: ApiErrorStatus;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Extra response headers the code requires (`WWW-Authenticate`, `Retry-After`, `Allow`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = API_ERROR_STATUS[code];
  }

  toBody(): ApiErrorBody {
    return { error: this.code, message: this.message };
  }
}

/** The HTTP response for `e`: its status, its headers and the JSON error body. */
export function errorResponse(e: ApiError): Response {
  return new Response(JSON.stringify(e.toBody()), {
    status: e.status,
    headers: { ...e.headers, "Content-Type": "application/json" },
  });
}
