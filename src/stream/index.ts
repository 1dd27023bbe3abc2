/**
 * Public surface of the call-audio WebSocket layer (spec/websocket.md). The call layer
 * implements `StreamCallPort`; the API's `/ws/{call_id}` route drives a `StreamHub`.
 */
export { type HandshakeError, parseStreamMode, StreamHub, type StreamHubOptions } from "./stream-hub.ts";
export { MAX_MESSAGE_BYTES, type StreamSession } from "./stream-session.ts";
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
