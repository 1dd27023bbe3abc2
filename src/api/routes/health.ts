/** `GET /health` (spec/rest-api.md "GET /health"): public, always 200, body from `deps.health()`. */
import type { RouteModule } from "../deps.ts";

export const healthRoutes: RouteModule = (app, deps) => {
  app.get("/health", (c) => c.json(deps.health()));
};
