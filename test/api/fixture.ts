/**
 * Builds the API app for tests with a manual clock, fresh metrics, a recording logger and
 * test-only routes that exercise the generic behaviour (validation, errors, WS upgrade path).
 */
import { z } from "zod";
import { createApiApp } from "../../src/api/create-api-app.ts";
import type { ApiDeps, RouteModule } from "../../src/api/deps.ts";
import { ApiError, errorResponse } from "../../src/api/errors.ts";
import { buildHealthReport } from "../../src/api/health.ts";
import { parseBody } from "../../src/api/validation/parse-body.ts";
import { nonEmptyString, sipHeaderString } from "../../src/api/validation/schemas.ts";
import type { LogFields, Logger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { ManualClock } from "../support/manual-clock.ts";

export interface LogRecord {
  level: string;
  msg: string;
  fields: LogFields;
}

export function recordingLogger(records: LogRecord[]): Logger {
  const log =
    (level: string) =>
    (msg: string, fields: LogFields = {}) => {
      records.push({ level, msg, fields });
    };
  const logger: Logger = {
    error: log("error"),
    warn: log("warn"),
    info: log("info"),
    debug: log("debug"),
    trace: log("trace"),
    child: () => logger,
    enabled: () => true,
  };
  return logger;
}

/** A body schema shaped like the later `POST /v1/calls` one. */
export const testCallSchema = z.object({
  to: sipHeaderString,
  from: sipHeaderString,
  trunk: nonEmptyString().optional(),
  timeout: z.number().int().min(1).max(600).optional(),
  custom_parameters: z.record(z.string(), z.string()).optional(),
});

export function testRoutes(clock: ManualClock): RouteModule {
  return (app) => {
    app.post("/v1/things", async (c) => {
      const body = await parseBody(c.req.raw, testCallSchema);
      return body.ok ? c.json(body.value, 201) : errorResponse(body.error);
    });
    app.get("/v1/things/:id", (c) => c.json({ id: c.req.param("id") }));
    app.delete("/v1/things/:id", (c) => c.body(null, 204));
    app.post("/v1/things/:id/wait", (c) => {
      clock.advance(30);
      return c.json({ waited: 30 });
    });
    app.get("/v1/boom", () => {
      throw new Error("db password is hunter2");
    });
    app.get("/v1/conflict", () => {
      throw new ApiError("conflict", "call CA00 is not answered");
    });
    app.get("/ws/:call_id", (c) => c.text(`upgrade ${c.req.param("call_id")}`));
  };
}

export interface Harness {
  app: ReturnType<typeof createApiApp>;
  clock: ManualClock;
  metrics: ReturnType<typeof createMetrics>;
  logs: LogRecord[];
}

export function harness(
  overrides: Partial<Pick<ApiDeps, "apiKey" | "rateLimitRps" | "health">> = {},
): Harness {
  const clock = new ManualClock(1000);
  const metrics = createMetrics();
  const logs: LogRecord[] = [];
  const app = createApiApp({
    clock,
    metrics,
    logger: recordingLogger(logs),
    health: () => buildHealthReport({ trunks: [], sipServerListening: false, activeCalls: 0 }),
    routes: [testRoutes(clock)],
    ...overrides,
  });
  return { app, clock, metrics, logs };
}

/** Sends a JSON body with the right Content-Type. */
export function jsonPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...headers },
  };
}
