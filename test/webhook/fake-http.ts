/**
 * A scripted `HttpPost` for webhook tests: every request is recorded and stays open until the
 * test answers it (`respond`/`fail`), or is answered at once by `auto`. `settle` lets pending
 * promise chains run without any real time passing.
 */
import type { HttpPost, HttpPostRequest, HttpPostResult } from "../../src/webhook/http-post.ts";

export interface FakeRequest extends HttpPostRequest {
  /** The parsed JSON body. */
  readonly json: Record<string, unknown>;
  respond(status: number, body?: string): void;
  fail(error: string): void;
}

export class FakeHttp {
  readonly requests: FakeRequest[] = [];
  /** When set, answers each request immediately with its result. */
  auto: ((req: HttpPostRequest) => HttpPostResult) | undefined;

  readonly post: HttpPost = (req) =>
    new Promise<HttpPostResult>((resolve) => {
      this.requests.push({
        ...req,
        json: JSON.parse(req.body) as Record<string, unknown>,
        respond: (status, body = "") => resolve({ status, body }),
        fail: (error) => resolve({ error }),
      });
      if (this.auto !== undefined) resolve(this.auto(req));
    });

  /** The last request, failing the test if there is none. */
  last(): FakeRequest {
    const r = this.requests.at(-1);
    if (r === undefined) throw new Error("no request was made");
    return r;
  }
}

/** Runs every queued promise continuation (a macrotask turn, not a sleep). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
