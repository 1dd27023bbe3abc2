/**
 * `GET /ws/{call_id}` (spec/websocket.md §1): the pre-upgrade checks as plain JSON error
 * responses (rest-api.md §1.4) — rate limit (429) and auth (401) come from the API group
 * middleware; here `mode` (400), call exists (404), stream allowed (403 `stream_disabled`),
 * one socket per call (409 `conflict`) — then the upgrade through Bun's `server.upgrade`.
 *
 * The Bun server is read from the fetch env (`api.fetch(req, { server })`, as src/app.ts
 * serves it), so `app.request()` tests exercise every check without a server. The socket
 * events are handled by `createWsHandler(hub)`, which the composition root passes to
 * `Bun.serve({ websocket })`; it adapts Bun's `ServerWebSocket` to the stream's
 * `StreamSocket` port and sets the §8 size limit and §2.6 keepalive (our own, not Bun's).
 */
import type { ServerWebSocket, WebSocketHandler } from "bun";
import type { Metrics } from "../../metrics/metrics.ts";
import {
  MAX_MESSAGE_BYTES,
  parseStreamMode,
  type StreamHub,
  type StreamMetrics,
  type StreamMode,
  type StreamSession,
  type StreamSocket,
} from "../../stream/index.ts";
import type { RouteModule } from "../deps.ts";
import { ApiError, errorResponse } from "../errors.ts";

/** Per-socket data carried from the upgrade to the socket handlers. */
export interface WsData {
  readonly callId: string;
  readonly mode: StreamMode;
  session: StreamSession | undefined;
}

/** The part of Bun's `Server` the route uses. */
export interface WsUpgrader {
  upgrade(req: Request, options: { data: WsData }): boolean;
}

function upgraderOf(env: unknown): WsUpgrader | undefined {
  if (typeof env !== "object" || env === null || !("server" in env)) return undefined;
  const server: unknown = env.server;
  if (typeof server !== "object" || server === null || !("upgrade" in server)) return undefined;
  return typeof server.upgrade === "function" ? (server as WsUpgrader) : undefined;
}

const HANDSHAKE_MESSAGES = {
  not_found: (id: string) => `call '${id}' not found`,
  stream_disabled: (id: string) => `call '${id}' was created or accepted with stream: false`,
  conflict: (id: string) => `call '${id}' already has an open WebSocket`,
} as const;

export function wsRoutes(hub: StreamHub): RouteModule {
  return (app) => {
    app.get("/ws/:call_id", (c) => {
      const callId = c.req.param("call_id");
      const mode = parseStreamMode(c.req.query("mode"));
      if (mode === undefined) {
        return errorResponse(
          new ApiError("invalid_request", "query parameter 'mode' must be 'twilio' or 'native'"),
        );
      }
      const reserved = hub.reserve(callId);
      if (!reserved.ok)
        return errorResponse(new ApiError(reserved.error, HANDSHAKE_MESSAGES[reserved.error](callId)));
      const server = upgraderOf(c.env);
      const upgraded = server?.upgrade(c.req.raw, { data: { callId, mode, session: undefined } }) ?? false;
      if (!upgraded) {
        hub.release(callId);
        return errorResponse(
          new ApiError("invalid_request", "expected a WebSocket upgrade request (RFC 6455 §4.1)"),
        );
      }
      // Bun ignores the response of an upgraded request; Hono needs one.
      return new Response(null);
    });
  };
}

function socketOf(ws: ServerWebSocket<WsData>): StreamSocket {
  return {
    sendText: (text) => ws.sendText(text),
    sendBinary: (data) => ws.sendBinary(data),
    ping: () => {
      ws.ping();
    },
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
  };
}

/** Pre-binds the stream's metric handles (rest-api.md "GET /metrics": `xbridge_ws_*`). */
export function streamMetricsOf(metrics: Metrics): StreamMetrics {
  return {
    connections: metrics.wsConnections,
    framesSent: metrics.wsFramesTotal.child("sent"),
    framesReceived: metrics.wsFramesTotal.child("received"),
  };
}

/** The `websocket` option of `Bun.serve` for call sockets. */
export function createWsHandler(hub: StreamHub): WebSocketHandler<WsData> {
  return {
    // §8: a message over 4 MiB closes the socket with 1009 (Bun's own check, exact in bytes).
    maxPayloadLength: MAX_MESSAGE_BYTES,
    // §2.6 keepalive is the hub's 20 s ping sweep; Bun's idle timeout and pings are off.
    idleTimeout: 0,
    sendPings: false,
    open(ws) {
      ws.binaryType = "uint8array";
      ws.data.session = hub.open(ws.data.callId, ws.data.mode, socketOf(ws));
    },
    message(ws, message) {
      const session = ws.data.session;
      if (session === undefined) return;
      if (typeof message === "string") session.onText(message);
      else session.onBinary(message);
    },
    drain(ws) {
      ws.data.session?.onDrain();
    },
    pong(ws) {
      ws.data.session?.onPong();
    },
    close(ws) {
      ws.data.session?.onSocketClosed();
    },
  };
}
