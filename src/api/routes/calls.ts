/**
 * `POST /v1/calls`, `GET /v1/calls`, `GET /v1/calls/{call_id}`, `DELETE /v1/calls/{call_id}`
 * (spec/rest-api.md §2–§3). Validation is here (§1.5: zod body, 400 naming the field; `trunk`
 * and `peer` together → 400); everything about calls is the CallManager's, reached through the
 * narrow {@link CallsPort}. Its self-classifying CallErrors become the §1.4 error body.
 */
import { z } from "zod";
import type { CallManager } from "../../call/call-manager.ts";
import { callNotFound } from "../../call/control-errors.ts";
import type { CallError } from "../../call/errors.ts";
import type { CallView } from "../../call/index.ts";
import { isHttpUrl } from "../../webhook/incoming-decision.ts";
import type { RouteModule } from "../deps.ts";
import { ApiError, errorResponse } from "../errors.ts";
import { parseBody } from "../validation/parse-body.ts";
import { nonEmptyString, sipHeaderString } from "../validation/schemas.ts";

/** What these routes need from the call layer. */
export type CallsPort = Pick<CallManager, "create" | "list" | "get" | "hangup">;

export interface CallsRouteOptions {
  /** `tls` configured → `wss://` in `ws_url` (rest-api.md §3). */
  readonly tls: boolean;
  /** `listen.http`, used when the request has no Host header. */
  readonly listenHttp: string;
}

const HTTP_URL = "must be an http or https URL";

/** rest-api.md §3 POST /v1/calls body. */
const createCallSchema = z
  .object({
    to: sipHeaderString,
    from: sipHeaderString,
    trunk: nonEmptyString().optional(),
    peer: nonEmptyString().optional(),
    webhook_url: z.string().refine(isHttpUrl, { error: HTTP_URL }).optional(),
    stream: z.boolean().optional(),
    custom_parameters: z.record(z.string(), z.string()).optional(),
    timeout: z.number().int().min(1).max(600).optional(),
  })
  .refine((b) => b.trunk === undefined || b.peer === undefined, {
    error: "fields 'trunk' and 'peer' are mutually exclusive",
  });

/** The call object of rest-api.md §2 (snake_case; `peer`/`trunk` omitted when absent). */
export function callObject(v: CallView): Record<string, string> {
  return {
    call_id: v.callId,
    from: v.from,
    to: v.to,
    direction: v.direction,
    status: v.status,
    ...(v.peer !== undefined ? { peer: v.peer } : {}),
    ...(v.trunk !== undefined ? { trunk: v.trunk } : {}),
  };
}

function apiError(e: CallError): ApiError {
  return new ApiError(e.apiCode, e.message);
}

export function callsRoutes(calls: CallsPort, options: CallsRouteOptions): RouteModule {
  return (app) => {
    app.post("/v1/calls", async (c) => {
      const body = await parseBody(c.req.raw, createCallSchema);
      if (!body.ok) return errorResponse(body.error);
      const b = body.value;
      const created = await calls.create({
        to: b.to,
        from: b.from,
        ...(b.trunk !== undefined ? { trunk: b.trunk } : {}),
        ...(b.peer !== undefined ? { peer: b.peer } : {}),
        ...(b.webhook_url !== undefined ? { webhookUrl: b.webhook_url } : {}),
        ...(b.stream !== undefined ? { stream: b.stream } : {}),
        ...(b.custom_parameters !== undefined ? { customParameters: b.custom_parameters } : {}),
        ...(b.timeout !== undefined ? { timeout: b.timeout } : {}),
      });
      if (!created.ok) return errorResponse(apiError(created.error));
      const host = c.req.header("host") ?? options.listenHttp;
      const scheme = options.tls ? "wss" : "ws";
      return c.json(
        {
          call_id: created.value.callId,
          status: created.value.status,
          ws_url: `${scheme}://${host}/ws/${created.value.callId}`,
        },
        201,
      );
    });

    app.get("/v1/calls", (c) => c.json({ calls: calls.list().map(callObject) }));

    app.get("/v1/calls/:call_id", (c) => {
      const id = c.req.param("call_id");
      const call = calls.get(id);
      return call === undefined ? errorResponse(apiError(callNotFound(id))) : c.json(callObject(call));
    });

    app.delete("/v1/calls/:call_id", (c) => {
      const r = calls.hangup(c.req.param("call_id"));
      return r.ok ? c.body(null, 204) : errorResponse(apiError(r.error));
    });
  };
}
