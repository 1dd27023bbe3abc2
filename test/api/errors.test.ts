import { describe, expect, test } from "bun:test";
import { API_ERROR_STATUS, ApiError } from "../../src/api/errors.ts";
import { MAX_BODY_BYTES } from "../../src/api/limits.ts";
import { harness, jsonPost } from "./fixture.ts";

interface ErrorBody {
  error: string;
  message: string;
}

async function errorOf(res: Response): Promise<ErrorBody> {
  expect(res.headers.get("Content-Type")).toBe("application/json");
  return (await res.json()) as ErrorBody;
}

const VALID = { to: "+15551234567", from: "+15559876543" };

describe("error bodies (rest-api.md §1.4)", () => {
  test("answers an unknown route 404 not_found naming the route", async () => {
    const { app } = harness();
    const res = await app.request("/v1/nope");
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toEqual({ error: "not_found", message: "no route for GET /v1/nope" });
    expect((await app.request("/elsewhere")).status).toBe(404);
  });

  test("answers a known path with a wrong method 405 with the Allow header", async () => {
    const { app } = harness();
    const res = await app.request("/v1/things/7", { method: "PATCH" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, DELETE");
    expect((await errorOf(res)).error).toBe("method_not_allowed");
    const health = await app.request("/health", { method: "POST" });
    expect([health.status, health.headers.get("Allow")]).toEqual([405, "GET, HEAD"]);
  });

  test("answers 413 when Content-Length announces more than 10 MiB", async () => {
    const { app } = harness();
    const res = await app.request("/v1/things", {
      method: "POST",
      body: "{}",
      headers: { "Content-Type": "application/json", "Content-Length": String(MAX_BODY_BYTES + 1) },
    });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).error).toBe("payload_too_large");
  });

  test("answers 413 for a body over 10 MiB sent without Content-Length", async () => {
    const { app } = harness();
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent++ < 11) ctl.enqueue(chunk);
        else ctl.close();
      },
    });
    const res = await app.request("/v1/things", {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).error).toBe("payload_too_large");
  });

  test("answers 415 for a body whose Content-Type is not application/json", async () => {
    const { app } = harness();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"]) {
      const res = await app.request("/v1/things", {
        method: "POST",
        body: JSON.stringify(VALID),
        headers: { "Content-Type": type },
      });
      expect(res.status).toBe(415);
      expect((await errorOf(res)).error).toBe("unsupported_media_type");
    }
  });

  test("accepts application/json with a charset parameter in any case", async () => {
    const { app } = harness();
    const res = await app.request("/v1/things", {
      method: "POST",
      body: JSON.stringify(VALID),
      headers: { "Content-Type": "Application/JSON; charset=utf-8" },
    });
    expect(res.status).toBe(201);
  });

  test("answers 400 for unparseable JSON, a non-object body, a missing body and invalid UTF-8", async () => {
    const { app } = harness();
    const cases: Array<[RequestInit, string]> = [
      [
        { method: "POST", body: "{not json", headers: { "Content-Type": "application/json" } },
        "request body is not valid JSON",
      ],
      [jsonPost([VALID]), "request body must be a JSON object"],
      [jsonPost(null), "request body must be a JSON object"],
      [jsonPost("x"), "request body must be a JSON object"],
      [
        { method: "POST", headers: { "Content-Type": "application/json" } },
        "request body must be a JSON object",
      ],
      [
        {
          method: "POST",
          body: new Uint8Array([0x7b, 0xff, 0x7d]),
          headers: { "Content-Type": "application/json" },
        },
        "request body is not valid UTF-8",
      ],
    ];
    for (const [init, prefix] of cases) {
      const res = await app.request("/v1/things", init);
      expect(res.status).toBe(400);
      const body = await errorOf(res);
      expect(body.error).toBe("invalid_request");
      expect(body.message.startsWith(prefix)).toBe(true);
    }
  });

  test("answers an unexpected exception 500 internal, logs it, and leaks nothing", async () => {
    const { app, logs } = harness();
    const res = await app.request("/v1/boom");
    expect(res.status).toBe(500);
    const body = await errorOf(res);
    expect(body).toEqual({ error: "internal", message: "internal error" });
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(logs).toHaveLength(1);
    expect(logs[0]!.level).toBe("error");
    expect(String(logs[0]!.fields.error)).toContain("hunter2");
    expect(logs[0]!.fields.path).toBe("/v1/boom");
  });

  test("turns a thrown ApiError into its own status and body without logging it", async () => {
    const { app, logs } = harness();
    const res = await app.request("/v1/conflict");
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toEqual({ error: "conflict", message: "call CA00 is not answered" });
    expect(logs).toHaveLength(0);
  });

  test("maps every code of the table to its one HTTP status", () => {
    expect(Object.entries(API_ERROR_STATUS)).toEqual([
      ["invalid_request", 400],
      ["unauthorized", 401],
      ["stream_disabled", 403],
      ["not_found", 404],
      ["method_not_allowed", 405],
      ["conflict", 409],
      ["payload_too_large", 413],
      ["unsupported_media_type", 415],
      ["unprocessable", 422],
      ["rate_limited", 429],
      ["internal", 500],
      ["bad_gateway", 502],
      ["unavailable", 503],
      ["gateway_timeout", 504],
    ]);
    expect(new ApiError("unavailable", "trunk telnyx is not registered").status).toBe(503);
  });
});
