/**
 * Public surface of the call-audio WebSocket layer (spec/websocket.md). The call layer
 * implements `StreamCallPort`; the API's `/ws/{call_id}` route drives a `StreamHub`.
 */
export { ACCOUNT_SID } from "./server-messages.ts";
export {
  type HandshakeError,
  KEEPALIVE_INTERVAL_MS,
  parseStreamMode,
  StreamHub,
  type StreamHubOptions,
} from "./stream-hub.ts";
export {
  CLOSE_GOING_AWAY,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_NORMAL,
  MAX_MESSAGE_BYTES,
  type StreamSession,
} from "./stream-session.ts";
export type {
  StreamCallListener,
  StreamCallPort,
  StreamCallState,
  StreamEncoding,
  StreamFrameSource,
  StreamMetrics,
  StreamMode,
  StreamSocket,
} from "./types.ts";
