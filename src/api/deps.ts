/**
 * What the API app is built from. Only the composition root fills this in (DESIGN.md rule 4):
 * it maps `auth.api_key` and `rate_limit.requests_per_second` from the config and passes the
 * route modules of later features (calls, webhook failures, the `/ws/{call_id}` upgrade).
 */
import type { Hono } from "hono";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { HealthReport } from "./health.ts";

/**
 * Registers routes on the app. API-group paths (`/v1/*`, `/ws/*`) get metrics, rate limit,
 * auth and the body-size check automatically; route modules only add handlers
 * (`app.post("/v1/calls", …)`), never middleware for all methods (`app.all`/`app.use`), which
 * the 405 index ignores.
 */
export type RouteModule = (app: Hono, deps: ApiDeps) => void;

export interface ApiDeps {
  /** `auth.api_key`; absent → no authentication (rest-api.md §1.2). */
  readonly apiKey?: string;
  /** `rate_limit.requests_per_second`; absent → no rate limit (rest-api.md §1.3). */
  readonly rateLimitRps?: number;
  /** Monotonic time for the token bucket and request durations. */
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Body of `GET /health`, read at request time (see `buildHealthReport`). */
  readonly health: () => HealthReport;
  /** Feature routes, registered in order after `/health` and `/metrics`. */
  readonly routes?: readonly RouteModule[];
}
