/**
 * The HTTP API as a Hono app (spec/rest-api.md §1): public `/health` and `/metrics`, and the
 * API group (`/v1/*`, `/ws/*`) behind, in this order (§1.1), HTTP metrics → rate limit → auth
 * → body size → routing. Unknown routes answer 404 and known paths with a wrong method 405
 * with `Allow`, both with the JSON error body (§1.4); an unexpected exception is logged and
 * answered 500 `internal` without its details. No server here: the composition root serves
 * `app.fetch` with Bun.serve, and tests call `app.request()`.
 */
import { Hono } from "hono";
import type { ApiDeps } from "./deps.ts";
import { ApiError, errorResponse } from "./errors.ts";
import { MAX_BODY_BYTES } from "./limits.ts";
import { bearerAuth } from "./middleware/auth/index.ts";
import { bodySizeLimit } from "./middleware/body-size/index.ts";
import { httpMetrics } from "./middleware/http-metrics/index.ts";
import { rateLimit } from "./middleware/rate-limit/index.ts";
import { RouteIndex } from "./route-index.ts";
import { healthRoutes } from "./routes/health.ts";
import { metricsRoutes } from "./routes/metrics.ts";

/** Path patterns of the API route group (rest-api.md §1.1; websocket.md §1). */
const API_GROUP_PATTERNS: readonly string[] = ["/v1/*", "/ws/*"];

export function createApiApp(deps: ApiDeps): Hono {
  const app = new Hono();
  const routes = new RouteIndex();

  // One instance of each middleware serves both patterns, so the token bucket is global.
  const chain = [
    httpMetrics({ clock: deps.clock, metrics: deps.metrics, routes }),
    ...(deps.rateLimitRps === undefined
      ? []
      : [rateLimit({ requestsPerSecond: deps.rateLimitRps, clock: deps.clock, metrics: deps.metrics })]),
    ...(deps.apiKey === undefined ? [] : [bearerAuth({ apiKey: deps.apiKey })]),
    bodySizeLimit(MAX_BODY_BYTES),
  ];
  for (const pattern of API_GROUP_PATTERNS) for (const m of chain) app.use(pattern, m);

  for (const register of [healthRoutes, metricsRoutes, ...(deps.routes ?? [])]) register(app, deps);
  routes.load(app.routes);

  app.notFound((c) => {
    const allowed = routes.methodsFor(c.req.path);
    if (allowed.length === 0) {
      return errorResponse(new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`));
    }
    return errorResponse(
      new ApiError("method_not_allowed", `method ${c.req.method} is not allowed on ${c.req.path}`, {
        Allow: allowed.join(", "),
      }),
    );
  });

  app.onError((e, c) => {
    if (e instanceof ApiError) return errorResponse(e);
    deps.logger.error("unhandled error in HTTP API", {
      method: c.req.method,
      path: c.req.path,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
    return errorResponse(new ApiError("internal", "internal error"));
  });

  return app;
}
