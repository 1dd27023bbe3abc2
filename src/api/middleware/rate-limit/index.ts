/**
 * Global API rate limit (spec/rest-api.md §1.3). Runs before auth (§1.1), so unauthenticated
 * traffic also spends tokens; an empty bucket answers 429 `rate_limited` with `Retry-After: 1`
 * and counts `xbridge_rate_limit_rejections_total`.
 */
import type { MiddlewareHandler } from "hono";
import type { Clock } from "../../../lib/clock.ts";
import type { Metrics } from "../../../metrics/metrics.ts";
import { ApiError, errorResponse } from "../../errors.ts";
import { TokenBucket } from "./token-bucket.ts";

export interface RateLimitOptions {
  readonly requestsPerSecond: number;
  readonly clock: Clock;
  readonly metrics: Metrics;
}

export function rateLimit(opts: RateLimitOptions): MiddlewareHandler {
  const { clock, metrics } = opts;
  const bucket = new TokenBucket(opts.requestsPerSecond, clock.now());
  return async (_c, next) => {
    if (!bucket.take(clock.now())) {
      metrics.rateLimitRejectionsTotal.inc();
      return errorResponse(
        new ApiError("rate_limited", "request rate limit exceeded; retry in 1 second", {
          "Retry-After": "1",
        }),
      );
    }
    await next();
  };
}
