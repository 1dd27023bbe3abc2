/**
 * The ports of the call-audio WebSocket (spec/websocket.md): what the stream needs from a
 * call (`StreamCallPort`, implemented by the call layer), what it gives back (a
 * `StreamFrameSource` pulled on the shared 20 ms media clock), the socket it writes to
 * (`StreamSocket`, implemented by the Bun adapter in src/api/routes/ws.ts) and the metric
 * handles it bumps (`StreamMetrics`). Pure declarations.
 */
import type { EndReason } from "../call/events.ts";

/** Call states as seen by the stream (rest-api.md §2 `status`, plus `ended`). */
export type StreamCallState = "dialing" | "ringing" | "in_progress" | "on_hold" | "ended";

/** Wire mode chosen by `?mode=` (websocket.md §1 check 3). */
export type StreamMode = "twilio" | "native";

/** `stream.encoding` (config.md "stream"): Twilio-mode payload encoding; L16 is little-endian. */
export type StreamEncoding = "audio/x-mulaw" | "audio/x-l16";

/**
 * Outbound client audio, pulled once per shared 20 ms media tick (websocket.md §6 "Pacing").
 * Same shape as media's `FrameSource`: fills `out` (160 samples PCM16 8 kHz) and returns true,
 * or returns false when the caller should hear silence. Pull it also while muted so the queue
 * drains at real time; do not pull it while a REST play produced the frame (play priority).
 */
export interface StreamFrameSource {
  pull(out: Int16Array): boolean;
}

/** What the call tells an attached stream. Every method is called on the event loop. */
export interface StreamCallListener {
  /** The call was answered (outbound 200 OK received, inbound 200 OK sent). */
  answered(): void;
  /** The call ended; `shutdown` closes the socket with 1001, anything else with 1000. */
  ended(reason: EndReason): void;
  /** An inbound call whose socket opened while ringing was accepted with `stream: false`. */
  streamDisabled(): void;
  /** One decoded caller frame: 160 samples PCM16 8 kHz, reused by the caller after return. */
  audio(frame: Int16Array): void;
  /** One received key press (`0-9 * # A-D`). */
  dtmf(digit: string): void;
  /** The remote side put us on hold (`sendonly`/`inactive` from them) or resumed. */
  remoteHold(held: boolean): void;
  /** A REST play started (`true`) or ended (`false`). */
  playActive(active: boolean): void;
  /** REST mute/unmute. */
  muted(muted: boolean): void;
}

/** The call as the stream sees it; implemented by the call layer. */
export interface StreamCallPort {
  /** `call_id`, sent as `callSid`. */
  readonly callId: string;
  readonly state: StreamCallState;
  /** False when the call was created or accepted with `stream: false` (websocket.md §1 check 5). */
  readonly streamAllowed: boolean;
  /** `custom_parameters` of the accept response or `POST /v1/calls` (`{}` if none). */
  readonly customParameters: Readonly<Record<string, string>>;
  /** Current flags, read once when a socket attaches; later changes arrive as events. */
  readonly remoteHeld: boolean;
  readonly playing: boolean;
  readonly isMuted: boolean;
  /** Starts delivering events to `listener`; returns the unsubscribe function. */
  subscribe(listener: StreamCallListener): () => void;
  /** Sets (or with `undefined` removes) the WebSocket audio source of the call's outbound path. */
  setStreamSource(source: StreamFrameSource | undefined): void;
}

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
