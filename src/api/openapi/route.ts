/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of the REST API (./operations.ts). Public like
 * `/health` (rest-api.md §1.1 route groups): it describes the interface only — no calls,
 * config or keys — and clients and code generators fetch it before they hold a key. Built once
 * when the app is assembled, served as the same bytes on every request.
 */
import type { RouteModule } from "../deps.ts";
import { createXbridgeOpenApi } from "./operations.ts";
import type { OpenApiInfo } from "./registry.ts";

export const OPENAPI_PATH = "/openapi.json";

export function openApiRoutes(info: Partial<OpenApiInfo> = {}): RouteModule {
  const document = createXbridgeOpenApi().document({
    title: info.title ?? "xbridge",
    version: info.version ?? "0.1.0",
    description:
      info.description ?? "Self-hosted SIP ⇄ WebSocket voice gateway: REST call control (spec/rest-api.md).",
  });
  const body = JSON.stringify(document);
  return (app) => {
    app.get(OPENAPI_PATH, () => new Response(body, { headers: { "Content-Type": "application/json" } }));
  };
}
