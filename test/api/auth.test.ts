import { describe, expect, test } from "bun:test";
import { parseBearer } from "../../src/api/middleware/auth/index.ts";
import { harness } from "./fixture.ts";

const KEY = "s3cret-key";

async function expectUnauthorized(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
  expect(res.headers.get("Content-Type")).toBe("application/json");
  const body = (await res.json()) as { error: string; message: string };
  expect(body.error).toBe("unauthorized");
  expect(body.message.length).toBeGreaterThan(0);
}

describe("bearer auth (rest-api.md §1.2)", () => {
  test("answers 401 with WWW-Authenticate: Bearer when the Authorization header is missing", async () => {
    const { app } = harness({ apiKey: KEY });
    await expectUnauthorized(await app.request("/v1/things/1"));
  });

  test("accepts the right key with the scheme name in any case", async () => {
    const { app } = harness({ apiKey: KEY });
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const res = await app.request("/v1/things/1", { headers: { Authorization: `${scheme} ${KEY}` } });
      expect(res.status).toBe(200);
    }
  });

  test("rejects two spaces between scheme and key", async () => {
    const { app } = harness({ apiKey: KEY });
    await expectUnauthorized(
      await app.request("/v1/things/1", { headers: { Authorization: `Bearer  ${KEY}` } }),
    );
  });

  test("rejects a wrong key, a key prefix, and another scheme", async () => {
    const { app } = harness({ apiKey: KEY });
    for (const value of [
      "Bearer wrong",
      `Bearer ${KEY.slice(0, -1)}`,
      `Bearer ${KEY}x`,
      `Basic ${KEY}`,
      KEY,
    ]) {
      await expectUnauthorized(await app.request("/v1/things/1", { headers: { Authorization: value } }));
    }
  });

  test("accepts ?token= on a WebSocket upgrade under /ws/", async () => {
    const { app } = harness({ apiKey: KEY });
    const res = await app.request(`/ws/CA1?token=${KEY}`, {
      headers: { Upgrade: "websocket", Connection: "Upgrade" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("upgrade CA1");
  });

  test("rejects a wrong ?token= on a WebSocket upgrade", async () => {
    const { app } = harness({ apiKey: KEY });
    await expectUnauthorized(await app.request("/ws/CA1?token=nope", { headers: { Upgrade: "websocket" } }));
  });

  test("ignores ?token= outside WebSocket upgrades", async () => {
    const { app } = harness({ apiKey: KEY });
    await expectUnauthorized(await app.request(`/v1/things/1?token=${KEY}`));
    await expectUnauthorized(await app.request(`/ws/CA1?token=${KEY}`));
  });

  test("also accepts the header on a WebSocket upgrade", async () => {
    const { app } = harness({ apiKey: KEY });
    const res = await app.request("/ws/CA1", {
      headers: { Upgrade: "websocket", Authorization: `Bearer ${KEY}` },
    });
    expect(res.status).toBe(200);
  });

  test("never asks public routes for a key", async () => {
    const { app } = harness({ apiKey: KEY });
    expect((await app.request("/health")).status).toBe(200);
    expect((await app.request("/metrics")).status).toBe(200);
  });

  test("requires no key at all when none is configured", async () => {
    const { app } = harness();
    expect((await app.request("/v1/things/1")).status).toBe(200);
  });

  test("authenticates unknown API paths before answering 404", async () => {
    const { app } = harness({ apiKey: KEY });
    await expectUnauthorized(await app.request("/v1/nope"));
    const res = await app.request("/v1/nope", { headers: { Authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(404);
  });
});

describe("parseBearer", () => {
  test("returns the key only for 'Bearer' + one space + a non-empty key", () => {
    expect(parseBearer("Bearer abc")).toBe("abc");
    expect(parseBearer("bEaReR a b")).toBe("a b");
    expect(parseBearer("Bearer ")).toBeUndefined();
    expect(parseBearer("Bearer  abc")).toBeUndefined();
    expect(parseBearer("Bearer\tabc")).toBeUndefined();
    expect(parseBearer("Bearer \tabc")).toBeUndefined();
    expect(parseBearer("Bearerabc")).toBeUndefined();
    expect(parseBearer("Token abc")).toBeUndefined();
  });
});
