/**
 * The OpenAPI document (src/api/openapi/): structurally valid OpenAPI 3.1 (version, info,
 * paths, operations with described responses, path parameters, every $ref resolving, the
 * rest-api.md §1.4 error body on every error), every endpoint and status code of
 * spec/rest-api.md and websocket.md §1 present, and `GET /openapi.json` served publicly.
 */
import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { createApiApp } from "../../src/api/create-api-app.ts";
import { API_ERROR_STATUS } from "../../src/api/errors.ts";
import { buildHealthReport } from "../../src/api/health.ts";
import { createXbridgeOpenApi } from "../../src/api/openapi/operations.ts";
import { type Json, type JsonObject, OpenApiRegistry } from "../../src/api/openapi/registry.ts";
import { openApiRoutes } from "../../src/api/openapi/route.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { ManualClock } from "../support/manual-clock.ts";

const doc = createXbridgeOpenApi().document({ title: "xbridge", version: "0.1.0" });
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function obj(v: Json | undefined): JsonObject {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v;
}

/** Every operation as [METHOD path, operation]. */
function operations(d: JsonObject): Array<[string, JsonObject]> {
  const out: Array<[string, JsonObject]> = [];
  for (const [path, item] of Object.entries(obj(d.paths)))
    for (const [method, op] of Object.entries(obj(item)))
      out.push([`${method.toUpperCase()} ${path}`, obj(op)]);
  return out;
}

/** RFC 6901 JSON pointer lookup of a local `#/…` reference. */
function resolve(root: Json, ref: string): Json | undefined {
  let node: Json | undefined = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null) return undefined;
    node = Array.isArray(node) ? node[Number(key)] : node[key];
  }
  return node;
}

function refs(node: Json, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (typeof node === "object" && node !== null)
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  return out;
}

/** Endpoints and status codes as the spec tables list them (rest-api.md §3, websocket.md §1). */
const SPEC: Record<string, number[]> = {
  "POST /v1/calls": [201, 400, 404, 422, 503],
  "GET /v1/calls": [200],
  "GET /v1/calls/{call_id}": [200, 404],
  "DELETE /v1/calls/{call_id}": [204, 404],
  "POST /v1/calls/{call_id}/hold": [200, 404, 409, 502, 504],
  "POST /v1/calls/{call_id}/resume": [200, 404, 409, 502, 504],
  "POST /v1/calls/{call_id}/transfer": [200, 400, 404, 409, 502, 504],
  "POST /v1/calls/{call_id}/dtmf": [200, 400, 404, 409],
  "POST /v1/calls/{call_id}/mute": [200, 404, 409],
  "POST /v1/calls/{call_id}/unmute": [200, 404, 409],
  "POST /v1/calls/{call_id}/play": [200, 400, 404, 409, 502],
  "POST /v1/calls/{call_id}/play/stop": [200, 404],
  "GET /v1/webhooks/failures": [200],
  "DELETE /v1/webhooks/failures": [200],
  "GET /health": [200],
  "GET /metrics": [200],
  "GET /ws/{call_id}": [101, 400, 401, 403, 404, 409, 429],
};
const BODY_TAKING = [
  "POST /v1/calls",
  "POST /v1/calls/{call_id}/transfer",
  "POST /v1/calls/{call_id}/dtmf",
  "POST /v1/calls/{call_id}/play",
];

describe("OpenAPI document structure", () => {
  test("declares OpenAPI 3.1.x with a titled, versioned info object", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(obj(doc.info).title).toBe("xbridge");
    expect(obj(doc.info).version).toBe("0.1.0");
  });

  test("is plain JSON (survives a stringify round trip unchanged)", () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  test("paths start with '/' and hold only HTTP-method operations with unique operationIds", () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(obj(doc.paths))) {
      expect(path.startsWith("/")).toBe(true);
      for (const method of Object.keys(obj(item))) expect(HTTP_METHODS).toContain(method);
    }
    for (const [, op] of operations(doc)) {
      expect(typeof op.operationId).toBe("string");
      expect(ids.has(String(op.operationId))).toBe(false);
      ids.add(String(op.operationId));
    }
  });

  test("every operation has at least one response, each a 3-digit status with a description", () => {
    for (const [where, op] of operations(doc)) {
      const responses = Object.entries(obj(op.responses));
      expect(responses.length, where).toBeGreaterThan(0);
      for (const [status, r] of responses) {
        expect(status).toMatch(/^[1-5][0-9]{2}$/);
        expect(typeof obj(r).description, `${where} ${status}`).toBe("string");
      }
    }
  });

  test("every {param} of a path template is a required path parameter", () => {
    for (const [where, op] of operations(doc)) {
      const names = [...where.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const params = ((op.parameters ?? []) as Json[]).map(obj).filter((p) => p.in === "path");
      expect(
        params.map((p) => p.name),
        where,
      ).toEqual(names);
      for (const p of params) expect(p.required).toBe(true);
    }
  });

  test("every $ref resolves inside the document", () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    for (const ref of all) {
      expect(ref.startsWith("#/")).toBe(true);
      expect(resolve(doc, ref), ref).toBeDefined();
    }
  });

  test("components.schemas holds the error body with every §1.4 code, and every error response uses it", () => {
    const schemas = obj(obj(doc.components).schemas);
    const error = obj(schemas.ErrorBody);
    expect(error.required).toEqual(["error", "message"]);
    expect(obj(obj(error.properties).error).enum).toEqual(Object.keys(API_ERROR_STATUS));
    expect(obj(obj(error.properties).message).type).toBe("string");
    for (const [where, op] of operations(doc))
      for (const [status, r] of Object.entries(obj(op.responses)))
        if (Number(status) >= 400)
          expect(obj(obj(obj(r).content)["application/json"]).schema, `${where} ${status}`).toEqual({
            $ref: "#/components/schemas/ErrorBody",
          });
  });

  test("component schemas carry no per-root $schema/$id keywords", () => {
    for (const s of Object.values(obj(obj(doc.components).schemas))) {
      expect(obj(s).$schema).toBeUndefined();
      expect(obj(s).$id).toBeUndefined();
    }
  });

  test("API-group operations require the bearer scheme, public ones nothing", () => {
    const schemes = obj(obj(doc.components).securitySchemes);
    expect(obj(schemes.bearerAuth)).toMatchObject({ type: "http", scheme: "bearer" });
    for (const [where, op] of operations(doc)) {
      const isPublic = ["GET /health", "GET /metrics", "GET /openapi.json"].includes(where);
      if (isPublic) expect(op.security, where).toEqual([]);
      else expect(op.security, where).toContainEqual({ bearerAuth: [] });
      for (const req of op.security as Json[])
        for (const name of Object.keys(obj(req))) expect(schemes[name]).toBeDefined();
    }
    expect(obj(obj(doc.paths)["/ws/{call_id}"]).get).toMatchObject({
      security: [{ bearerAuth: [] }, { queryToken: [] }],
    });
  });
});

describe("OpenAPI document covers the spec", () => {
  const ops = new Map(operations(doc));
  for (const [where, statuses] of Object.entries(SPEC)) {
    test(`${where} is present with ${statuses.join(", ")}`, () => {
      const op = ops.get(where);
      expect(op).toBeDefined();
      const declared = Object.keys(obj(op!.responses)).map(Number);
      for (const s of statuses) expect(declared).toContain(s);
      if (!["GET /health", "GET /metrics"].includes(where))
        for (const s of [401, 429]) expect(declared).toContain(s);
    });
  }

  test("body-taking endpoints declare their JSON request body and 413/415", () => {
    for (const where of BODY_TAKING) {
      const op = ops.get(where)!;
      expect(obj(obj(obj(op.requestBody).content)["application/json"]).schema).toHaveProperty("$ref");
      expect(Object.keys(obj(op.responses))).toEqual(expect.arrayContaining(["413", "415"]));
    }
  });

  test("every §1.4 status appears somewhere (405 is path-generic, answered by the app for any known path)", () => {
    const used = new Set(operations(doc).flatMap(([, op]) => Object.keys(obj(op.responses)).map(Number)));
    for (const status of Object.values(API_ERROR_STATUS))
      if (status !== 405) expect(used.has(status), `${status}`).toBe(true);
  });

  test("request schemas show the spec's defaults and limits", () => {
    const schemas = obj(obj(doc.components).schemas);
    const create = obj(obj(schemas.CreateCallRequest).properties);
    expect(obj(create.timeout)).toMatchObject({ type: "integer", minimum: 1, maximum: 600, default: 30 });
    expect(obj(create.stream)).toMatchObject({ type: "boolean", default: true });
    expect(obj(schemas.CreateCallRequest).required).toEqual(["to", "from"]);
    expect(obj(obj(obj(schemas.DtmfRequest).properties).digits)).toMatchObject({
      maxLength: 32,
      minLength: 1,
    });
    expect(obj(schemas.PlayRequest).oneOf).toEqual([{ required: ["url"] }, { required: ["audio"] }]);
  });
});

describe("OpenApiRegistry", () => {
  test("refuses an operation whose schema was never named", () => {
    const reg = new OpenApiRegistry(z.object({ error: z.string() })).add({
      method: "post",
      path: "/x",
      operationId: "x",
      summary: "x",
      requestBody: z.object({ a: z.string() }),
      responses: { 204: { description: "done" } },
    });
    expect(() => reg.document({ title: "t", version: "1" })).toThrow(/not registered/);
  });

  test("refuses the same method and path twice", () => {
    const reg = new OpenApiRegistry(z.object({ error: z.string() }));
    const op = {
      method: "get",
      path: "/x",
      summary: "x",
      responses: { 200: { description: "ok" } },
    } as const;
    reg.add({ ...op, operationId: "a" });
    expect(() => reg.add({ ...op, operationId: "b" })).toThrow(/declared twice/);
  });
});

describe("GET /openapi.json", () => {
  const app = createApiApp({
    apiKey: "secret",
    clock: new ManualClock(0),
    metrics: createMetrics(),
    logger: nullLogger,
    health: () => buildHealthReport({ trunks: [], sipServerListening: false, activeCalls: 0 }),
    routes: [openApiRoutes({ version: "9.9.9" })],
  });

  test("is public: 200 JSON without the API key, the same document", async () => {
    const res = await app.request("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    const served = (await res.json()) as JsonObject;
    expect(served.openapi).toBe("3.1.0");
    expect(obj(served.info).version).toBe("9.9.9");
    expect(Object.keys(obj(served.paths))).toEqual(Object.keys(obj(doc.paths)));
  });

  test("answers other methods 405 with Allow", async () => {
    const res = await app.request("/openapi.json", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toContain("GET");
  });
});
