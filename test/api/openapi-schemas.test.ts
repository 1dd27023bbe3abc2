/**
 * The request schemas of src/api/openapi/schemas.ts behave as spec/rest-api.md says when a
 * handler validates with them through `parseBody` (400 `invalid_request` naming the field,
 * §1.4–1.5; defaults of POST /v1/calls and /play; DTMF and play rules of §3).
 */
import { describe, expect, test } from "bun:test";
import type { z } from "zod";
import {
  CreateCallRequest,
  DtmfRequest,
  PlayRequest,
  TransferRequest,
} from "../../src/api/openapi/schemas.ts";
import { parseBody } from "../../src/api/validation/parse-body.ts";

function post(body: unknown): Request {
  return new Request("http://127.0.0.1/v1/x", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
}

async function accepted<S extends z.ZodType>(schema: S, body: unknown): Promise<z.output<S>> {
  const r = await parseBody(post(body), schema);
  if (!r.ok) throw new Error(`expected acceptance, got: ${r.error.message}`);
  return r.value;
}

async function refusedWith(schema: z.ZodType, body: unknown): Promise<string> {
  const r = await parseBody(post(body), schema);
  if (r.ok) throw new Error("expected a 400");
  expect(r.error.status).toBe(400);
  expect(r.error.code).toBe("invalid_request");
  return r.error.message;
}

describe("CreateCallRequest", () => {
  test("fills the defaults: stream true, custom_parameters {}, timeout 30; ignores unknown fields", async () => {
    expect(await accepted(CreateCallRequest, { to: "+15551234567", from: "+15559876543", extra: 1 })).toEqual(
      {
        to: "+15551234567",
        from: "+15559876543",
        stream: true,
        custom_parameters: {},
        timeout: 30,
      },
    );
  });

  const refusals: Array<[string, Record<string, unknown>, string]> = [
    ["missing to", { from: "a" }, "field 'to' is required and must be a non-empty string"],
    ["blank from", { to: "a", from: "  " }, "field 'from' is required and must be a non-empty string"],
    ["'<' in to", { to: "<sip:a@b>", from: "a" }, "field 'to' must not contain CR, LF, NUL, '<' or '>'"],
    ["257-char to", { to: "1".repeat(257), from: "a" }, "field 'to' must be at most 256 characters long"],
    [
      "both trunk and peer",
      { to: "a", from: "b", trunk: "t", peer: "p" },
      "give either 'trunk' or 'peer', not both",
    ],
    ["timeout 0", { to: "a", from: "b", timeout: 0 }, "field 'timeout' must be at least 1"],
    ["timeout 601", { to: "a", from: "b", timeout: 601 }, "field 'timeout' must be at most 600"],
    ["fractional timeout", { to: "a", from: "b", timeout: 1.5 }, "field 'timeout' must be an integer"],
    [
      "ftp webhook_url",
      { to: "a", from: "b", webhook_url: "ftp://h/x" },
      "field 'webhook_url' must be an http or https URL",
    ],
    ["string stream", { to: "a", from: "b", stream: "no" }, "field 'stream' must be a boolean"],
    [
      "non-string custom parameter",
      { to: "a", from: "b", custom_parameters: { k: 1 } },
      "field 'custom_parameters.k' must be a string",
    ],
  ];
  for (const [name, body, message] of refusals) {
    test(`refuses ${name}`, async () => {
      expect(await refusedWith(CreateCallRequest, body)).toBe(message);
    });
  }
});

describe("TransferRequest", () => {
  test("accepts a SIP URI or a bare number", async () => {
    expect(await accepted(TransferRequest, { target: "sip:bob@example.com" })).toEqual({
      target: "sip:bob@example.com",
    });
    expect(await accepted(TransferRequest, { target: "+15550001111" })).toEqual({ target: "+15550001111" });
  });
  test("refuses a missing target and a target with CR/LF (header injection)", async () => {
    expect(await refusedWith(TransferRequest, {})).toBe(
      "field 'target' is required and must be a non-empty string",
    );
    expect(await refusedWith(TransferRequest, { target: "1\r\nX: y" })).toMatch(/must not contain CR, LF/);
  });
});

describe("DtmfRequest", () => {
  test("accepts every DTMF symbol in both cases", async () => {
    expect((await accepted(DtmfRequest, { digits: "0123456789*#ABCDabcd" })).digits).toBe(
      "0123456789*#ABCDabcd",
    );
  });
  const refusals: Array<[string, unknown, string]> = [
    ["missing digits", {}, "field 'digits' is required and must be a string of DTMF digits"],
    ["empty digits", { digits: "" }, "field 'digits' must not be empty"],
    ["33 digits", { digits: "1".repeat(33) }, "field 'digits' must be at most 32 digits long"],
    ["a letter outside A-D", { digits: "12E" }, "field 'digits' must contain only 0-9, *, #, A-D or a-d"],
    ["a space", { digits: "1 2" }, "field 'digits' must contain only 0-9, *, #, A-D or a-d"],
  ];
  for (const [name, body, message] of refusals) {
    test(`refuses ${name}`, async () => {
      expect(await refusedWith(DtmfRequest, body)).toBe(message);
    });
  }
});

describe("PlayRequest", () => {
  test("accepts a URL with loop_count defaulting to 1, and inline audio with loop_count 0", async () => {
    expect(await accepted(PlayRequest, { url: "https://example.com/a.wav" })).toEqual({
      url: "https://example.com/a.wav",
      loop_count: 1,
    });
    expect(await accepted(PlayRequest, { audio: "AAAA", loop_count: 0 })).toEqual({
      audio: "AAAA",
      loop_count: 0,
    });
  });
  const refusals: Array<[string, unknown, string]> = [
    ["neither source", { loop_count: 2 }, "exactly one of 'url' or 'audio' is required"],
    ["both sources", { url: "http://h/a.wav", audio: "AAAA" }, "exactly one of 'url' or 'audio' is required"],
    ["a file: URL", { url: "file:///etc/passwd" }, "field 'url' must be an http or https URL"],
    ["empty audio", { audio: "" }, "field 'audio' must not be empty"],
    ["negative loop_count", { audio: "AAAA", loop_count: -1 }, "field 'loop_count' must be at least 0"],
    ["fractional loop_count", { audio: "AAAA", loop_count: 0.5 }, "field 'loop_count' must be an integer"],
  ];
  for (const [name, body, message] of refusals) {
    test(`refuses ${name}`, async () => {
      expect(await refusedWith(PlayRequest, body)).toBe(message);
    });
  }
});
