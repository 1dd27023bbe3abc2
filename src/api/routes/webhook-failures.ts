/**
 * `GET /v1/webhooks/failures` and `DELETE /v1/webhooks/failures` (spec/rest-api.md): read the
 * dead-letter queue oldest first without removing anything, or empty it and say how many
 * entries went. Entry shape: spec/webhooks.md §5. Auth, rate limit and metrics come from the
 * API group middleware.
 */
import type { DeadLetterQueue } from "../../webhook/dead-letter-queue.ts";
import type { RouteModule } from "../deps.ts";

export function webhookFailuresRoutes(dlq: Pick<DeadLetterQueue, "list" | "drain">): RouteModule {
  return (app) => {
    app.get("/v1/webhooks/failures", (c) => c.json({ failures: dlq.list() }));
    app.delete("/v1/webhooks/failures", (c) => c.json({ drained: dlq.drain() }));
  };
}
