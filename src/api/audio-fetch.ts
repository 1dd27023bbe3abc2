/**
 * Fetches the WAV file of `POST /v1/calls/{call_id}/play {"url": …}` (spec/rest-api.md
 * "POST …/play": "URL fetch: 10 s timeout, ≤ 50 MiB, 2xx only"; any failure is a 502
 * `bad_gateway`). IO adapter: the only network access of the play command.
 *
 * Bounded in time and memory: one deadline covers connecting, the headers and the whole body;
 * a `Content-Length` over the cap fails before any body byte is read, and a body without one
 * is read as a stream that stops (and is cancelled) as soon as it passes the cap.
 */
import { readBounded } from "../lib/read-bounded.ts";
import { err, ok, type Result } from "../lib/result.ts";

const AUDIO_FETCH_TIMEOUT_MS = 10_000;
const AUDIO_FETCH_MAX_BYTES = 50 * 1024 * 1024;

export type AudioFetchErrorKind = "unreachable" | "status" | "timeout" | "too_large";

/** Why the audio could not be fetched; `message` is a sentence for the 502 body (no URL in it: URLs may carry tokens). */
export interface AudioFetchError {
  readonly kind: AudioFetchErrorKind;
  readonly message: string;
}

export interface FetchAudioOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

function failure(kind: AudioFetchErrorKind, message: string): Result<never, AudioFetchError> {
  return err({ kind, message });
}

function tooLarge(maxBytes: number): Result<never, AudioFetchError> {
  return failure("too_large", `audio URL body is larger than ${maxBytes} bytes`);
}

/** Bun reports transport failures with a `code` (ConnectionRefused, ECONNRESET, …). */
function transportReason(e: unknown): string {
  if (typeof e === "object" && e !== null && "code" in e && typeof e.code === "string") return e.code;
  return e instanceof Error ? e.message : String(e);
}

/** GETs `url` (http/https only) and returns its body, or why not (see file comment). */
export async function fetchAudio(
  url: string,
  options: FetchAudioOptions = {},
): Promise<Result<Uint8Array, AudioFetchError>> {
  const timeoutMs = options.timeoutMs ?? AUDIO_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? AUDIO_FETCH_MAX_BYTES;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return failure("unreachable", "audio URL is not a valid URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return failure("unreachable", "audio URL must use http or https");

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const res = await fetch(parsed, { signal: controller.signal, redirect: "follow" });
    if (res.status < 200 || res.status > 299) {
      res.body?.cancel().catch(() => {});
      return failure("status", `audio URL answered HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get("Content-Length") ?? Number.NaN);
    if (declared > maxBytes) {
      res.body?.cancel().catch(() => {});
      return tooLarge(maxBytes);
    }
    if (res.body === null) return ok(new Uint8Array(0));
    const body = await readBounded(res.body, maxBytes);
    return body === undefined ? tooLarge(maxBytes) : ok(body);
  } catch (e) {
    if (timedOut) return failure("timeout", `audio URL did not answer within ${timeoutMs} ms`);
    return failure("unreachable", `audio URL is unreachable (${transportReason(e)})`);
  } finally {
    clearTimeout(timer);
    // Releases the connection of an abandoned (oversized or refused) response.
    controller.abort();
  }
}
