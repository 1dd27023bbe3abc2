import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { parseBody } from "../../src/api/validation/parse-body.ts";
import { sipHeaderString } from "../../src/api/validation/schemas.ts";
import { harness, jsonPost } from "./fixture.ts";

const VALID = { to: "+15551234567", from: "+15559876543" };

async function messageFor(body: unknown): Promise<string> {
  const { app } = harness();
  const res = await app.request("/v1/things", jsonPost(body));
  expect(res.status).toBe(400);
  const json = (await res.json()) as { error: string; message: string };
  expect(json.error).toBe("invalid_request");
  return json.message;
}

describe("body validation (rest-api.md §1.5)", () => {
  test("names a missing required field", async () => {
    expect(await messageFor({ from: "a" })).toBe("field 'to' is required and must be a non-empty string");
  });

  test("rejects an empty or whitespace-only required string", async () => {
    expect(await messageFor({ ...VALID, to: "" })).toBe(
      "field 'to' is required and must be a non-empty string",
    );
    expect(await messageFor({ ...VALID, from: " \t " })).toBe(
      "field 'from' is required and must be a non-empty string",
    );
  });

  test("rejects a field of the wrong JSON type", async () => {
    expect(await messageFor({ ...VALID, to: 15551234567 })).toBe(
      "field 'to' is required and must be a non-empty string",
    );
    expect(await messageFor({ ...VALID, timeout: "30" })).toBe("field 'timeout' must be a number");
    expect(await messageFor({ ...VALID, timeout: 1.5 })).toBe("field 'timeout' must be an integer");
    expect(await messageFor({ ...VALID, trunk: "" })).toBe(
      "field 'trunk' is required and must be a non-empty string",
    );
  });

  test("states the violated range", async () => {
    expect(await messageFor({ ...VALID, timeout: 0 })).toBe("field 'timeout' must be at least 1");
    expect(await messageFor({ ...VALID, timeout: 601 })).toBe("field 'timeout' must be at most 600");
  });

  test("names nested fields by their path", async () => {
    expect(await messageFor({ ...VALID, custom_parameters: { agent: 5 } })).toBe(
      "field 'custom_parameters.agent' must be a string",
    );
  });

  test("ignores unknown fields and returns the parsed body", async () => {
    const { app } = harness();
    const res = await app.request("/v1/things", jsonPost({ ...VALID, extra: true, timeout: 30 }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ...VALID, timeout: 30 });
  });

  test("describes an enum violation with the allowed values", async () => {
    const req = new Request("http://x/", jsonPost({ mode: "opus" }));
    const r = await parseBody(req, z.object({ mode: z.enum(["twilio", "native"]) }));
    expect(r.ok ? "" : r.error.message).toBe(`field 'mode' must be one of "twilio", "native"`);
  });

  test("keeps a whole-body refinement's sentence as written", async () => {
    const schema = z
      .object({ trunk: z.string().optional(), peer: z.string().optional() })
      .refine((b) => b.trunk === undefined || b.peer === undefined, {
        error: "'trunk' and 'peer' are mutually exclusive",
      });
    const r = await parseBody(new Request("http://x/", jsonPost({ trunk: "a", peer: "b" })), schema);
    expect(r.ok ? "" : r.error.message).toBe("'trunk' and 'peer' are mutually exclusive");
  });
});

describe("sipHeaderString (rest-api.md §1.5)", () => {
  const check = (s: unknown) => sipHeaderString.safeParse(s).success;

  test("accepts numbers, extensions and SIP/tel URIs up to 256 characters", () => {
    for (const s of ["+15551234567", "1001", "sip:alice@example.com", "tel:+15551234567", "x".repeat(256)]) {
      expect(check(s)).toBe(true);
    }
  });

  test("rejects strings over 256 characters", async () => {
    expect(check("x".repeat(257))).toBe(false);
    expect(await messageFor({ ...VALID, to: "x".repeat(257) })).toBe(
      "field 'to' must be at most 256 characters long",
    );
  });

  test("rejects CR, LF, NUL, '<' and '>' because they would break or inject SIP header lines", async () => {
    for (const bad of ["a\rb", "a\nb", "a\0b", "<sip:a@b>", "a>b"]) expect(check(bad)).toBe(false);
    expect(await messageFor({ ...VALID, from: "x\r\nVia: evil" })).toBe(
      "field 'from' must not contain CR, LF, NUL, '<' or '>'",
    );
  });

  test("rejects empty, whitespace-only and non-string values", () => {
    for (const bad of ["", "   ", 5, null, undefined]) expect(check(bad)).toBe(false);
  });
});
