/**
 * One call-audio WebSocket (spec/websocket.md §2–§8): the timeline `connected` → `start` (at
 * answer) → media/dtmf/mark → `stop` + close, the client messages and their malformed-input
 * rules, the playout queue attached to the call's outbound path, and the caller-audio backlog
 * of a slow client. Pure: time comes from the injected Clock, the socket and the call are
 * ports; the Bun adapter (src/api/routes/ws.ts) forwards socket events here.
 */
import type { EndReason } from "../call/events.ts";
import { FRAME_SAMPLES } from "../codec/types.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import { parseClientMessage } from "./client-message.ts";
import { InboundBacklog, MAX_UNSENT_FRAMES } from "./inbound-backlog.ts";
import { decodeNativeFrame, NATIVE_HEADER_BYTES } from "./native-frame.ts";
import type { PayloadDecoder } from "./payload-decoder.ts";
import {
  MAX_PENDING_MARKS,
  PAUSE_NOT_ANSWERED,
  PAUSE_PLAY_ACTIVE,
  PAUSE_REMOTE_HOLD,
  PlayoutQueue,
  type PlayoutQueueEvents,
} from "./playout-queue.ts";
import { CONNECTED_MESSAGE, dtmfMessage, markMessage, startMessage, stopMessage } from "./server-messages.ts";
import { StreamWriter } from "./stream-writer.ts";
import type {
  StreamCallListener,
  StreamCallPort,
  StreamEncoding,
  StreamMetrics,
  StreamMode,
  StreamSocket,
} from "./types.ts";

/** §8: any single message larger than this closes the socket with 1009. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** RFC 6455 §7.4.1 close codes used by §2 and §8. */
const CLOSE_NORMAL = 1000;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_MESSAGE_TOO_BIG = 1009;

/** Media frames are 20 ms apart; timestamps never go back or repeat (§3 `media`). */
const FRAME_MS = 20;

export interface StreamSessionDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: StreamMetrics;
  /** `stream.encoding` (config.md). */
  readonly encoding: StreamEncoding;
  readonly decoder: PayloadDecoder;
  /** Called once when the session is over (socket closed by either side). */
  readonly onClosed: (session: StreamSession) => void;
}

type Phase = "connected" | "started" | "stopped";

export class StreamSession implements StreamCallListener, PlayoutQueueEvents {
  private phase: Phase = "connected";
  private closed = false;
  private readonly writer: StreamWriter;
  private readonly queue: PlayoutQueue;
  private readonly backlog = new InboundBacklog();
  private readonly scratch = new Int16Array(FRAME_SAMPLES);
  /** Marks that fired before `start` was sent (sequence numbers begin at `start`). */
  private readonly earlyMarks: string[] = [];
  private unsubscribe: (() => void) | undefined;
  private blocked = false;
  private startAt = 0;
  private lastTimestamp = -FRAME_MS;
  private awaitingPong = false;
  private backlogWarned = false;
  private readonly log: Logger;

  constructor(
    readonly call: StreamCallPort,
    readonly mode: StreamMode,
    private readonly socket: StreamSocket,
    readonly streamSid: string,
    private readonly deps: StreamSessionDeps,
  ) {
    // §5: native mode's JSON `media` is decoded per `stream.encoding` too; only the binary
    // framing differs.
    this.writer = new StreamWriter(socket, deps.metrics, mode, deps.encoding, streamSid);
    this.queue = new PlayoutQueue(this);
    this.log = deps.logger.child({ call_id: call.callId, stream_sid: streamSid });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** §2.1: `connected` at once; `start` now if the call is already answered. */
  open(): void {
    this.deps.metrics.connections.inc();
    this.writer.sendText(CONNECTED_MESSAGE);
    const call = this.call;
    this.queue.setPaused(PAUSE_REMOTE_HOLD, call.remoteHeld);
    this.queue.setPaused(PAUSE_PLAY_ACTIVE, call.playing);
    this.queue.setMuted(call.isMuted);
    if (call.state === "ended" || !call.streamAllowed) {
      this.stopAndClose(CLOSE_NORMAL);
      return;
    }
    this.unsubscribe = call.subscribe(this);
    call.setStreamSource(this.queue);
    if (call.state === "in_progress" || call.state === "on_hold") this.answered();
    else this.queue.setPaused(PAUSE_NOT_ANSWERED, true);
  }

  // ── call events (StreamCallListener) ──────────────────────────────────────────────────

  answered(): void {
    if (this.phase !== "connected") return;
    this.phase = "started";
    this.startAt = this.deps.clock.now();
    const encoding = this.mode === "native" ? "audio/x-l16" : this.deps.encoding;
    this.writer.sendText(
      startMessage(this.writer.nextSeq(), {
        streamSid: this.streamSid,
        callSid: this.call.callId,
        customParameters: this.call.customParameters,
        encoding,
      }),
    );
    for (const name of this.earlyMarks) this.sendMark(name);
    this.earlyMarks.length = 0;
    // §2.2: audio the client sent before the answer starts playing now.
    this.queue.setPaused(PAUSE_NOT_ANSWERED, false);
  }

  ended(reason: EndReason): void {
    this.stopAndClose(reason === "shutdown" ? CLOSE_GOING_AWAY : CLOSE_NORMAL);
  }

  streamDisabled(): void {
    this.stopAndClose(CLOSE_NORMAL);
  }

  /** §7: sent as soon as the frame is complete, or kept (≤ MAX_UNSENT_FRAMES) while the client is slow. */
  audio(frame: Int16Array): void {
    if (this.phase !== "started") return;
    const ts = Math.max(Math.round(this.deps.clock.now() - this.startAt), this.lastTimestamp + FRAME_MS);
    this.lastTimestamp = ts;
    if (this.blocked || this.backlog.size > 0) {
      if (!this.backlog.push(frame, ts) && !this.backlogWarned) {
        this.backlogWarned = true;
        this.log.warn("client is not reading caller audio fast enough; dropping the oldest frames", {
          max_unsent_frames: MAX_UNSENT_FRAMES,
        });
      }
      return;
    }
    if (this.writer.sendFrame(frame, ts) < 0) this.blocked = true;
  }

  dtmf(digit: string): void {
    if (this.phase !== "started") return;
    this.writer.sendText(dtmfMessage(this.writer.nextSeq(), this.streamSid, digit));
  }

  remoteHold(held: boolean): void {
    this.queue.setPaused(PAUSE_REMOTE_HOLD, held);
  }

  playActive(active: boolean): void {
    this.queue.setPaused(PAUSE_PLAY_ACTIVE, active);
  }

  muted(muted: boolean): void {
    this.queue.setMuted(muted);
  }

  // ── playout queue events ──────────────────────────────────────────────────────────────

  onMark(name: string): void {
    if (this.phase === "started") this.sendMark(name);
    else if (this.phase === "connected" && this.earlyMarks.length < MAX_PENDING_MARKS)
      this.earlyMarks.push(name);
  }

  onOverflow(what: "audio" | "marks"): void {
    if (what === "audio") this.log.warn("outbound audio queue is full (600 s); dropping the newest audio");
    else
      this.log.warn("too many pending marks; dropping new marks", { max_pending_marks: MAX_PENDING_MARKS });
  }

  // ── socket events ────────────────────────────────────────────────────────────────────

  /** A text message: a §4 client message, or §8 malformed input that is ignored. */
  onText(text: string): void {
    if (this.phase === "stopped" || this.closed) return;
    // UTF-16 length ≤ UTF-8 length, so this only trips on messages that are surely too big;
    // the Bun adapter enforces the exact byte limit before we see the message.
    if (text.length > MAX_MESSAGE_BYTES) {
      this.tooBig();
      return;
    }
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.ignore(parsed.error);
      return;
    }
    const m = parsed.value;
    if (m.event === "mark") this.queue.mark(m.name);
    else if (m.event === "clear") this.queue.clear();
    else this.appendPayload(m.payload);
  }

  /** A binary message: a §5 native audio frame, ignored in Twilio mode (§8). */
  onBinary(bytes: Uint8Array): void {
    if (this.phase === "stopped" || this.closed) return;
    if (bytes.length > MAX_MESSAGE_BYTES) {
      this.tooBig();
      return;
    }
    if (this.mode !== "native") {
      this.ignore("binary message in Twilio mode");
      return;
    }
    const n = decodeNativeFrame(bytes);
    if (!n.ok) {
      this.ignore("bad native frame", n.error);
      return;
    }
    this.queue.appendL16(bytes, NATIVE_HEADER_BYTES, n.value);
    this.deps.metrics.framesReceived.inc();
  }

  /** §4 `media`: base64 decoded per `stream.encoding`; §8 rejects bad or empty payloads. */
  private appendPayload(payload: string): void {
    const decoder = this.deps.decoder;
    const n = decoder.decode(payload);
    if (n < 0) this.ignore("invalid base64 payload");
    else if (n === 0) this.ignore("empty payload");
    else if (this.deps.encoding === "audio/x-mulaw") {
      this.queue.appendMulaw(decoder.bytes, 0, n);
      this.deps.metrics.framesReceived.inc();
    } else if ((n & 1) !== 0) this.ignore("odd payload length in L16");
    else {
      this.queue.appendL16(decoder.bytes, 0, n);
      this.deps.metrics.framesReceived.inc();
    }
  }

  /** The socket drained its send buffer: flush the backlog oldest first (§7). */
  onDrain(): void {
    this.blocked = false;
    while (this.backlog.size > 0 && !this.closed) {
      const ts = this.backlog.peek(this.scratch);
      this.backlog.shift();
      if (this.writer.sendFrame(this.scratch, ts) < 0) {
        this.blocked = true;
        return;
      }
    }
  }

  onPong(): void {
    this.awaitingPong = false;
  }

  /**
   * §2.6 keepalive, called every 20 s by the hub: a socket that did not answer the previous
   * ping is terminated (which frees the call for a reconnect); otherwise it is pinged.
   */
  keepaliveTick(): void {
    if (this.closed) return;
    if (this.awaitingPong) {
      this.log.info("no pong within 20 s; terminating the call WebSocket");
      this.socket.terminate();
      this.teardown();
      return;
    }
    this.awaitingPong = true;
    this.socket.ping();
  }

  /** §2.5: the client (or the network) closed the socket; the call continues. */
  onSocketClosed(): void {
    this.teardown();
  }

  /** §2.4: `stop` (without `start` if the call never got answered), then close. */
  stopAndClose(code: number): void {
    if (this.phase === "stopped" || this.closed) return;
    this.phase = "stopped";
    this.writer.sendText(stopMessage(this.writer.nextSeq(), this.streamSid, this.call.callId));
    this.socket.close(code, code === CLOSE_GOING_AWAY ? "shutting down" : "call ended");
    this.teardown();
  }

  private sendMark(name: string): void {
    this.writer.sendText(markMessage(this.writer.nextSeq(), this.streamSid, name));
  }

  private tooBig(): void {
    this.socket.close(CLOSE_MESSAGE_TOO_BIG, "message too big");
    this.teardown();
  }

  /** §8: logged at debug only; the reason text is built only when debug is on (hostile input is frequent). */
  private ignore(reason: string, detail?: string): void {
    if (!this.log.enabled("debug")) return;
    this.log.debug("ignored client message", {
      reason: detail === undefined ? reason : `${reason}: ${detail}`,
    });
  }

  /** §2.5 / §6 "Call end / socket close": queue discarded, un-echoed marks dropped. */
  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.phase = "stopped";
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.call.setStreamSource(undefined);
    this.queue.discard();
    this.backlog.clear();
    this.earlyMarks.length = 0;
    this.deps.metrics.connections.dec();
    this.deps.onClosed(this);
  }
}
