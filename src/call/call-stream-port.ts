/**
 * The call as the audio WebSocket sees it (spec/websocket.md §1–§2, §6–§7): the facts the
 * handshake checks (state, `stream` flag, custom parameters), the listener the session
 * subscribes (answered / ended / stream disabled / caller audio / DTMF / remote hold), and the
 * outbound frame source. Declared here in the call layer's own terms because `call` may not
 * import `stream`; it is structurally the `StreamCallPort` of src/stream/types.ts, so the root
 * passes `manager.streamPort` as the stream hub's `findCall` unchanged.
 */
import type { CallStatus } from "./call-state.ts";
import type { EndReason } from "./events.ts";
import type { FrameSourceLike } from "./ports.ts";

/** What the call tells an attached stream; every method runs on the event loop. */
export interface CallStreamListener {
  /** Outbound 200 OK received, or inbound 200 OK sent (websocket.md §2.2: `start`). */
  answered(): void;
  /** websocket.md §2.4: `stop`, then close (1001 on `shutdown`). */
  ended(reason: EndReason): void;
  /** An inbound call accepted with `stream: false` while a socket was open (§2.4). */
  streamDisabled(): void;
  /** One decoded 20 ms caller frame (160 samples PCM16 8 kHz), reused after return. */
  audio(frame: Int16Array): void;
  dtmf(digit: string): void;
  /** The remote side held (`true`) or resumed (`false`) the call (sip.md §7). */
  remoteHold(held: boolean): void;
  /** A REST play started or ended: the WS queue pauses meanwhile, marks wait (websocket.md §6). */
  playActive(active: boolean): void;
  /** REST mute/unmute: the queue keeps draining, marks fire on schedule (websocket.md §6 "Mute"). */
  muted(muted: boolean): void;
}

export interface CallStreamPort {
  readonly callId: string;
  readonly state: CallStatus | "ended";
  /** websocket.md §1 check 5. */
  readonly streamAllowed: boolean;
  readonly customParameters: Readonly<Record<string, string>>;
  readonly remoteHeld: boolean;
  readonly playing: boolean;
  readonly isMuted: boolean;
  subscribe(listener: CallStreamListener): () => void;
  /** The WebSocket's outbound audio (websocket.md §6), or undefined to detach it. */
  setStreamSource(source: FrameSourceLike | undefined): void;
}
