/**
 * `GET /openapi.json` (an xbridge addition, not in spec/rest-api.md) checked by an independent
 * OpenAPI validator: @seriousme/openapi-schema-validator validates the served bytes against the
 * official OpenAPI 3.1 JSON Schema (the OAI `schema/2022-10-07` document, JSON Schema 2020-12),
 * so the document is checked by someone else's reading of the standard rather than by our own
 * structural tests (test/api/openapi.test.ts). The same validator must refuse broken copies of
 * the document, so a validator that accepts anything cannot make these tests pass.
 */
import { describe, expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { createApiApp } from "../../src/api/create-api-app.ts";
import { buildHealthReport } from "../../src/api/health.ts";
import { OPENAPI_PATH, openApiRoutes } from "../../src/api/openapi/route.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { ManualClock } from "../support/manual-clock.ts";

type Doc = Record<string, unknown>;

const app = createApiApp({
  apiKey: "secret",
  clock: new ManualClock(),
  metrics: createMetrics(),
  logger: nullLogger,
  health: () => buildHealthReport({ trunks: [], sipServerListening: false, activeCalls: 0 }),
  routes: [openApiRoutes()],
});

/** The document exactly as served (public route: no key sent). */
async function served(): Promise<{ doc: Doc }> {
  const res = await app.request(OPENAPI_PATH);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/json");
  return { doc: JSON.parse(await res.text()) as Doc };
}

function record(v: unknown): Doc {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`not an object: ${String(v)}`);
  return v as Doc;
}

/** First operation of the document (path, method, operation object). */
function firstOperation(doc: Doc): Doc {
  const item = record(Object.values(record(doc.paths))[0]);
  return record(Object.values(item)[0]);
}

async function validate(spec: Doc) {
  const validator = new Validator();
  const result = await validator.validate(spec);
  return { validator, result };
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (typeof node === "object" && node !== null)
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsIn(v, out);
    }
  return out;
}

describe("GET /openapi.json against the OpenAPI 3.1 schema (@seriousme/openapi-schema-validator)", () => {
  test("the served bytes parse as JSON and validate as OpenAPI 3.1 with no errors", async () => {
    // A string argument is read as a file name or YAML by this validator: give it the parsed bytes.
    const { doc } = await served();
    const { validator, result } = await validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  test("every $ref resolves: the dereferenced document has none left", async () => {
    const { doc } = await served();
    expect(refsIn(doc).length).toBeGreaterThan(0);
    const { validator, result } = await validate(doc);
    expect(result.valid).toBe(true);
    expect(refsIn(validator.resolveRefs())).toEqual([]);
  });

  test('the validator refuses the document without info, a response lacking its description, a relative path, or openapi "3.1" without the patch number', async () => {
    const broken: Array<[string, (d: Doc) => void]> = [
      ["no info", (d) => delete d.info],
      [
        "a response without description",
        (d) => {
          const responses = record(firstOperation(d).responses);
          delete record(Object.values(responses)[0]).description;
        },
      ],
      [
        "a path not starting with /",
        (d) => {
          const paths = record(d.paths);
          const [first] = Object.keys(paths);
          paths[`relative${first}`] = paths[first!];
        },
      ],
      ["openapi 3.1 with a non-semver version", (d) => (d.openapi = "3.1")],
    ];
    for (const [what, mutate] of broken) {
      const { doc } = await served();
      mutate(doc);
      const { result } = await validate(doc);
      expect({ what, valid: result.valid }).toEqual({ what, valid: false });
    }
  });
});
