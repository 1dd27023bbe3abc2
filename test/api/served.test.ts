/**
 * The app served by Bun.serve on loopback, as the composition root will serve it: real
 * Content-Length headers, real chunked bodies, real header parsing.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { MAX_BODY_BYTES } from "../../src/api/limits.ts";
import { harness } from "./fixture.ts";

const { app } = harness({ apiKey: "k" });
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
const base = `http://127.0.0.1:${server.port}`;
const auth = { Authorization: "Bearer k", "Content-Type": "application/json" };

afterAll(() => server.stop(true));

describe("API over a real loopback socket", () => {
  test("answers 413 to a body over 10 MiB with a real Content-Length", async () => {
    const res = await fetch(`${base}/v1/things`, {
      method: "POST",
      headers: auth,
      body: new Uint8Array(MAX_BODY_BYTES + 1),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe("payload_too_large");
  });

  test("answers 413 to a chunked body over 10 MiB", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent++ < 11) ctl.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
        else ctl.close();
      },
    });
    const res = await fetch(`${base}/v1/things`, { method: "POST", headers: auth, body });
    expect(res.status).toBe(413);
  });

  test("accepts a valid body and rejects two spaces after Bearer", async () => {
    const ok = await fetch(`${base}/v1/things`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ to: "1", from: "2" }),
    });
    expect(ok.status).toBe(201);
    const bad = await fetch(`${base}/v1/things/1`, { headers: { Authorization: "Bearer  k" } });
    expect(bad.status).toBe(401);
  });
});
