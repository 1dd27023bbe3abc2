/**
 * The fetch-based HttpPost against a real Bun.serve on 127.0.0.1 (random port): headers, status
 * pass-through, redirects not followed, body cap, timeout and connection refused. Real IO, so
 * the timeout case waits for real (200 ms), bounded.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createFetchHttpPost } from "../../src/webhook/fetch-http.ts";

interface Seen {
  method: string;
  path: string;
  contentType: string | null;
  userAgent: string | null;
  body: string;
}

const seen: Seen[] = [];
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    seen.push({
      method: req.method,
      path,
      contentType: req.headers.get("content-type"),
      userAgent: req.headers.get("user-agent"),
      body: await req.text(),
    });
    if (path === "/incoming")
      return new Response('{"action":"accept"}', { headers: { "Content-Type": "text/plain" } });
    if (path === "/fail") return new Response("nope", { status: 500 });
    if (path === "/redirect") return new Response(null, { status: 302, headers: { Location: "/incoming" } });
    if (path === "/big") return new Response("x".repeat(5000));
    if (path === "/slow") {
      await Bun.sleep(2000);
      return new Response("late");
    }
    return new Response(null, { status: 204 });
  },
});
afterAll(() => {
  server.stop(true);
});
const base = `http://127.0.0.1:${server.port}`;
const post = createFetchHttpPost({ userAgent: "xbridge/0.1.0", maxResponseBytes: 1024 });

describe("fetch HttpPost (webhooks.md §1)", () => {
  test("POSTs the JSON with Content-Type and User-Agent and returns status and body", async () => {
    const r = await post({ url: `${base}/incoming`, body: '{"call_id":"CA1"}', timeoutMs: 2000 });
    expect(r).toEqual({ status: 200, body: '{"action":"accept"}' });
    expect(seen.at(-1)).toEqual({
      method: "POST",
      path: "/incoming",
      contentType: "application/json",
      userAgent: "xbridge/0.1.0",
      body: '{"call_id":"CA1"}',
    });
  });

  test("returns non-2xx statuses as they are", async () => {
    expect(await post({ url: `${base}/fail`, body: "{}", timeoutMs: 2000 })).toEqual({
      status: 500,
      body: "nope",
    });
  });

  test("does not follow a redirect", async () => {
    const before = seen.length;
    const r = await post({ url: `${base}/redirect`, body: "{}", timeoutMs: 2000 });
    expect(r).toMatchObject({ status: 302 });
    expect(seen.length).toBe(before + 1);
  });

  test("reports a body over maxResponseBytes as undefined", async () => {
    expect(await post({ url: `${base}/big`, body: "{}", timeoutMs: 2000 })).toEqual({
      status: 200,
      body: undefined,
    });
  });

  test("gives up with 'timeout' when the answer takes longer than timeoutMs", async () => {
    const started = performance.now();
    expect(await post({ url: `${base}/slow`, body: "{}", timeoutMs: 200 })).toEqual({ error: "timeout" });
    expect(performance.now() - started).toBeLessThan(1500);
  });

  test("describes a closed port as 'connection refused'", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(null) });
    const port = closed.port;
    closed.stop(true);
    expect(await post({ url: `http://127.0.0.1:${port}/events`, body: "{}", timeoutMs: 2000 })).toEqual({
      error: "connection refused",
    });
  });
});
