/**
 * The HTTP port webhooks go through (spec/webhooks.md §1), so delivery and decision logic are
 * tested with a fake and a manual clock; `fetch-http.ts` is the real implementation. The port
 * never rejects: transport problems come back as `{ error }` with a short description
 * (`"timeout"`, `"connection refused"`…) that ends up verbatim in DLQ entries (§5).
 */
import type { Timers } from "../lib/clock.ts";

export interface HttpPostRequest {
  readonly url: string;
  /** The JSON text to send. */
  readonly body: string;
  /** `webhook.timeout`: covers connect and the whole response body (§1 "Timeout"). */
  readonly timeoutMs: number;
}

export type HttpPostResult =
  /** Any HTTP response, redirects included (they are not followed, §1 "Redirects"). */
  { readonly status: number; readonly body: string | undefined } | { readonly error: string };

export type HttpPost = (req: HttpPostRequest) => Promise<HttpPostResult>;

/**
 * Why a result is not a success, or undefined for a 2xx (§1 "Success"): `"HTTP <status>"` for
 * any other status, else the transport description (§5 `error`).
 */
export function failureOf(result: HttpPostResult): string | undefined {
  if ("error" in result) return result.error;
  return result.status >= 200 && result.status <= 299 ? undefined : `HTTP ${result.status}`;
}

/**
 * One POST bounded by the injected timers as well as by the port: a port that hangs (or a fake
 * in a test) still yields `"timeout"` after `timeoutMs`, and a port that throws despite its
 * contract yields an error instead of an unhandled rejection.
 */
export function postWithTimeout(
  http: HttpPost,
  req: HttpPostRequest,
  timers: Timers,
): Promise<HttpPostResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: HttpPostResult): void => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      resolve(r);
    };
    const timer = timers.setTimeout(() => finish({ error: "timeout" }), req.timeoutMs);
    http(req).then(finish, (e: unknown) => finish({ error: e instanceof Error ? e.message : String(e) }));
  });
}
