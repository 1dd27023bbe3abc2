/**
 * IO adapter: the `HttpPost` port on `fetch` (spec/webhooks.md §1). JSON body with
 * `Content-Type: application/json` and `User-Agent: xbridge/<version>`; redirects are returned,
 * not followed (a 3xx is a failure); the timeout covers connect and the whole response body;
 * the body is read up to `maxResponseBytes` (bounded memory whatever the app sends) and is
 * reported as `undefined` past that. Failures are described the way DLQ entries show them.
 */
import { utf8Decoder } from "../lib/bytes.ts";
import { readBounded } from "../lib/read-bounded.ts";
import type { HttpPost, HttpPostResult } from "./http-post.ts";

/** 64 KiB: far above any decision body, small enough to hold for 256 pending calls. */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export interface FetchHttpOptions {
  /** `xbridge/<version>`. */
  readonly userAgent: string;
  readonly maxResponseBytes?: number;
}

/** The text of `res` if it fits in `max` bytes, else undefined (the rest is not read). */
async function readCapped(res: Response, max: number): Promise<string | undefined> {
  if (res.body === null) return "";
  const bytes = await readBounded(res.body, max);
  return bytes === undefined ? undefined : utf8Decoder.decode(bytes);
}

/** Short transport descriptions (webhooks.md §5 `error`). */
function describe(e: unknown, timedOut: boolean): string {
  if (timedOut) return "timeout";
  const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "";
  if (code === "ECONNREFUSED" || code === "ConnectionRefused") return "connection refused";
  if (code === "ECONNRESET" || code === "ConnectionClosed") return "connection reset";
  if (code === "ENOTFOUND") return "DNS lookup failed";
  return e instanceof Error ? e.message : String(e);
}

export function createFetchHttpPost(opts: FetchHttpOptions): HttpPost {
  const max = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return async ({ url, body, timeoutMs }): Promise<HttpPostResult> => {
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    try {
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json", "User-Agent": opts.userAgent },
        redirect: "manual",
        signal: abort.signal,
      });
      return { status: res.status, body: await readCapped(res, max) };
    } catch (e) {
      return { error: describe(e, timedOut) };
    } finally {
      clearTimeout(timer);
    }
  };
}
