/**
 * Counts API-group responses and their duration (spec/rest-api.md "GET /metrics":
 * `xbridge_http_requests_total`, `xbridge_http_request_duration_seconds`). It runs first in the
 * chain (§1.1 order), so 429 and 401 answers are counted too; unknown routes are not.
 */
import type { MiddlewareHandler } from "hono";
import type { Clock } from "../../../lib/clock.ts";
import type { Metrics } from "../../../metrics/metrics.ts";
import type { RouteIndex } from "../../route-index.ts";

export interface HttpMetricsOptions {
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly routes: RouteIndex;
}

export function httpMetrics(opts: HttpMetricsOptions): MiddlewareHandler {
  const { clock, metrics, routes } = opts;
  return async (c, next) => {
    if (!routes.isKnown(c.req.path)) return next();
    const start = clock.now();
    // Hono turns a downstream throw into the error handler's response before this resumes,
    // so failed requests are timed and counted like the rest.
    await next();
    metrics.httpRequestsTotal.inc();
    metrics.httpRequestDurationSeconds.observe((clock.now() - start) / 1000);
  };
}
