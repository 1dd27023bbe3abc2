/**
 * API-key authentication (spec/rest-api.md §1.2, websocket.md §1 check 2):
 * `Authorization: Bearer <key>` with the scheme name case-insensitive (RFC 7235 §2.1) and
 * exactly one space before the key; WebSocket upgrades under `/ws/` may instead carry
 * `?token=<key>` because browsers cannot set headers on a WebSocket. Keys are compared in
 * constant time. Failure → 401 `unauthorized` with `WWW-Authenticate: Bearer` (RFC 6750 §3).
 */
import type { Context, MiddlewareHandler } from "hono";
import { constantTimeEqualString } from "../../../lib/bytes.ts";
import { ApiError, errorResponse } from "../../errors.ts";

/** The key of an `Authorization` value `Bearer <key>`, or undefined when it is not that shape. */
export function parseBearer(value: string): string | undefined {
  const sp = value.indexOf(" ");
  if (sp < 0 || value.slice(0, sp).toLowerCase() !== "bearer") return undefined;
  const key = value.slice(sp + 1);
  // Exactly one space: a key that starts with more whitespace is malformed, not trimmed.
  if (key === "" || key[0] === " " || key[0] === "\t") return undefined;
  return key;
}

/** RFC 6455 §4.1: an opening handshake carries `Upgrade: websocket` (case-insensitive). */
function isWebSocketUpgrade(c: Context): boolean {
  return c.req.path.startsWith("/ws/") && c.req.header("Upgrade")?.toLowerCase() === "websocket";
}

export function bearerAuth(opts: { readonly apiKey: string }): MiddlewareHandler {
  const { apiKey } = opts;
  return async (c, next) => {
    const header = c.req.header("Authorization");
    const bearer = header === undefined ? undefined : parseBearer(header);
    const token = isWebSocketUpgrade(c) ? c.req.query("token") : undefined;
    const headerOk = bearer !== undefined && constantTimeEqualString(bearer, apiKey);
    const tokenOk = token !== undefined && constantTimeEqualString(token, apiKey);
    if (!headerOk && !tokenOk) {
      const message =
        header === undefined && token === undefined
          ? "missing 'Authorization: Bearer <api_key>' header"
          : "invalid or malformed API key";
      return errorResponse(new ApiError("unauthorized", message, { "WWW-Authenticate": "Bearer" }));
    }
    await next();
  };
}
