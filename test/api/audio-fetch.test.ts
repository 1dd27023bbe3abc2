/**
 * fetchAudio against a real HTTP server on 127.0.0.1 (random port): the body on 2xx, and each
 * failure POST …/play turns into a 502 (spec/rest-api.md): non-2xx, timeout (headers or body
 * too slow), over the byte cap (declared or streamed), connection refused, non-http schemes.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { fetchAudio } from "../../src/api/audio-fetch.ts";

const PAYLOAD = new Uint8Array(3000).map((_, i) => i & 0xff);

/** A body that sends `chunks` chunks of `size` bytes, `gapMs` apart, without Content-Length. */
function trickle(chunks: number, size: number, gapMs: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent === chunks) return controller.close();
      if (sent > 0) await Bun.sleep(gapMs);
      controller.enqueue(new Uint8Array(size).fill(sent & 0xff));
      sent++;
    },
  });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    switch (path) {
      case "/ok.wav":
        return new Response(PAYLOAD, { headers: { "Content-Type": "audio/wav" } });
      case "/empty":
        return new Response(null, { status: 204 });
      case "/missing":
        return new Response("nope", { status: 404 });
      case "/broken":
        return new Response("oops", { status: 500 });
      case "/redirect":
        return Response.redirect("/ok.wav", 302);
      case "/slow-headers":
        await Bun.sleep(1000);
        return new Response(PAYLOAD);
      case "/slow-body":
        return new Response(trickle(50, 10, 50));
      case "/streamed":
        return new Response(trickle(20, 1000, 0));
      default:
        return new Response("unknown", { status: 404 });
    }
  },
});
afterAll(() => server.stop(true));

const base = `http://127.0.0.1:${server.port}`;

describe("fetchAudio", () => {
  test("returns the body of a 200", async () => {
    const r = await fetchAudio(`${base}/ok.wav`);
    expect(r.ok && [...r.value]).toEqual([...PAYLOAD]);
  });

  test("follows a redirect to a 2xx", async () => {
    const r = await fetchAudio(`${base}/redirect`);
    expect(r.ok && r.value.length).toBe(PAYLOAD.length);
  });

  test("returns an empty body for a 204 (the WAV parser then refuses it)", async () => {
    const r = await fetchAudio(`${base}/empty`);
    expect(r.ok && r.value.length).toBe(0);
  });

  test("fails with kind status on 404 and 500, naming the code", async () => {
    for (const [path, code] of [
      ["/missing", 404],
      ["/broken", 500],
    ] as const) {
      const r = await fetchAudio(`${base}${path}`);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe("status");
        expect(r.error.message).toBe(`audio URL answered HTTP ${code}`);
      }
    }
  });

  test("times out when the headers are late", async () => {
    const started = performance.now();
    const r = await fetchAudio(`${base}/slow-headers`, { timeoutMs: 100 });
    expect(!r.ok && r.error.kind).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(900);
  });

  test("times out when the body trickles past the deadline", async () => {
    const r = await fetchAudio(`${base}/slow-body`, { timeoutMs: 200 });
    expect(!r.ok && r.error.kind).toBe("timeout");
    if (!r.ok) expect(r.error.message).toMatch(/within 200 ms/);
  });

  test("fails fast with too_large when Content-Length is over the cap", async () => {
    const r = await fetchAudio(`${base}/ok.wav`, { maxBytes: PAYLOAD.length - 1 });
    expect(!r.ok && r.error.kind).toBe("too_large");
  });

  test("accepts a body exactly at the cap", async () => {
    const r = await fetchAudio(`${base}/ok.wav`, { maxBytes: PAYLOAD.length });
    expect(r.ok && r.value.length).toBe(PAYLOAD.length);
  });

  test("stops a streamed body without Content-Length once it passes the cap", async () => {
    const r = await fetchAudio(`${base}/streamed`, { maxBytes: 5500 });
    expect(!r.ok && r.error.kind).toBe("too_large");
    const whole = await fetchAudio(`${base}/streamed`, { maxBytes: 20_000 });
    expect(whole.ok && whole.value.length).toBe(20_000);
  });

  test("fails with unreachable when the connection is refused", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const port = closed.port;
    await closed.stop(true);
    const r = await fetchAudio(`http://127.0.0.1:${port}/x.wav`);
    expect(!r.ok && r.error.kind).toBe("unreachable");
  });

  test("refuses non-http(s) schemes and malformed URLs without touching the network", async () => {
    for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/a.wav", "not a url"]) {
      const r = await fetchAudio(url);
      expect(!r.ok && r.error.kind).toBe("unreachable");
    }
  });
});
