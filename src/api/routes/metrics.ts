/** `GET /metrics` (spec/rest-api.md "GET /metrics"): public Prometheus text exposition. */
import { METRICS_CONTENT_TYPE } from "../../metrics/exposition.ts";
import type { RouteModule } from "../deps.ts";

export const metricsRoutes: RouteModule = (app, deps) => {
  app.get(
    "/metrics",
    () => new Response(deps.metrics.render(), { headers: { "Content-Type": METRICS_CONTENT_TYPE } }),
  );
};
