/**
 * The ports of the call-audio WebSocket (spec/websocket.md): what the stream needs from a
 * call (`StreamCallPort`), what it gives back (a `StreamFrameSource` pulled on the shared 20 ms
 * media clock), the socket it writes to (`StreamSocket`, implemented by the Bun adapter in
 * src/api/routes/ws.ts) and the metric handles it bumps (`StreamMetrics`). Pure declarations.
 *
 * The call side is declared once, by the layer that implements it (src/call/call-stream-port.ts,
 * DESIGN.md "a lower layer owns the interface it offers"); the names below are the stream's
 * words for it, so the two can never drift apart.
 */
import type { CallStreamListener, CallStreamPort } from "../call/call-stream-port.ts";
import type { FrameSourceLike } from "../call/ports.ts";

/** The call as the stream sees it (websocket.md §1 checks 4–5, §2, §6–§7). */
export type StreamCallPort = CallStreamPort;

/** What the call tells an attached stream; every method is called on the event loop. */
export type StreamCallListener = CallStreamListener;

/** Call states as seen by the stream (rest-api.md §2 `status`, plus `ended`). */
export type StreamCallState = CallStreamPort["state"];

/** Wire mode chosen by `?mode=` (websocket.md §1 check 3). */
export type StreamMode = "twilio" | "native";

/** `stream.encoding` (config.md "stream"): Twilio-mode payload encoding; L16 is little-endian. */
export type StreamEncoding = "audio/x-mulaw" | "audio/x-l16";

/**
 * Outbound client audio, pulled once per shared 20 ms media tick (websocket.md §6 "Pacing"):
 * fills `out` (160 samples PCM16 8 kHz) and returns true, or returns false when the caller
 * should hear silence. Pull it also while muted so the queue drains at real time; do not pull
 * it while a REST play produced the frame (play priority).
 */
export type StreamFrameSource = FrameSourceLike;

/**
 * The socket a session writes to. `send*` return Bun's status: bytes written (> 0), -1 when the
 * message was queued behind backpressure, 0 when it was dropped.
 */
export interface StreamSocket {
  sendText(text: string): number;
  sendBinary(data: Uint8Array): number;
  ping(): void;
  close(code: number, reason: string): void;
  /** Closes without a close handshake (keepalive failure). */
  terminate(): void;
}

/** Metric handles, pre-bound by the composition root (rest-api.md "GET /metrics"). */
export interface StreamMetrics {
  /** `xbridge_ws_connections`. */
  readonly connections: { inc(): void; dec(): void };
  /** `xbridge_ws_frames_total{direction="sent"}`: every message the server sends. */
  readonly framesSent: { inc(): void };
  /** `xbridge_ws_frames_total{direction="received"}`: client audio messages accepted. */
  readonly framesReceived: { inc(): void };
}
