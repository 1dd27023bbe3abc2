/**
 * All call-audio WebSockets of the process (spec/websocket.md §1, §2.6): the handshake checks
 * that need call state (exists → 404, stream allowed → 403, one socket per call → 409), the
 * per-call slot reserved between the check and the socket's open, the fresh `streamSid` of
 * every socket, one shared 20 s keepalive sweep (not a timer per socket) and closing every
 * socket on shutdown.
 */
import type { Clock, TimerHandle, Timers } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import { type Random, randomHex } from "../lib/random.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { PayloadDecoder } from "./payload-decoder.ts";
import { StreamSession } from "./stream-session.ts";
import type { StreamCallPort, StreamEncoding, StreamMetrics, StreamMode, StreamSocket } from "./types.ts";

/** How long a passed handshake holds the call's one socket slot before its open. */
const RESERVATION_MS = 10_000;

/** §2.6: ping every 20 s; no pong by the next sweep → terminate. */
const KEEPALIVE_INTERVAL_MS = 20_000;

export interface StreamHubOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly logger: Logger;
  readonly metrics: StreamMetrics;
  /** `stream.encoding` (config.md). */
  readonly encoding: StreamEncoding;
  /** The call registry lookup: undefined when unknown or already ended. */
  readonly findCall: (callId: string) => StreamCallPort | undefined;
}

/** Handshake failures after auth (websocket.md §1 checks 4–6), as API error codes. */
export type HandshakeError = "not_found" | "stream_disabled" | "conflict";

/** §1 check 3: `mode` absent, `twilio` or `native` (exact, lowercase). */
export function parseStreamMode(mode: string | undefined): StreamMode | undefined {
  if (mode === undefined || mode === "twilio") return "twilio";
  if (mode === "native") return "native";
  return undefined;
}

export class StreamHub {
  private readonly sessions = new Map<string, StreamSession>();
  /**
   * Calls whose upgrade passed the checks but whose socket has not opened yet, with the time
   * of the check: a reservation whose open never came (the client vanished mid-handshake)
   * lapses after RESERVATION_MS instead of blocking the call with 409 forever, and is removed
   * by the next `reserve`, so the map holds only live handshakes (bounded everything).
   * Insertion order is check order: an entry is only ever added after its lapsed one is gone.
   */
  private readonly reserved = new Map<string, number>();
  private readonly decoder = new PayloadDecoder();
  private keepalive: TimerHandle | undefined;
  private readonly sweep = (): void => {
    for (const s of this.sessions.values()) s.keepaliveTick();
  };

  constructor(private readonly opts: StreamHubOptions) {}

  /** Open sockets. */
  get size(): number {
    return this.sessions.size;
  }

  /** Handshakes that passed the checks and wait for their socket's open. */
  get pendingHandshakes(): number {
    return this.reserved.size;
  }

  /**
   * Runs §1 checks 4–6 and, when they pass, reserves the call's one socket slot until
   * `open` or `release`.
   */
  reserve(callId: string): Result<StreamCallPort, HandshakeError> {
    const call = this.opts.findCall(callId);
    if (call === undefined || call.state === "ended") return err("not_found");
    if (!call.streamAllowed) return err("stream_disabled");
    const now = this.opts.clock.now();
    this.dropLapsedReservations(now);
    if (this.sessions.has(callId) || this.reserved.has(callId)) return err("conflict");
    this.reserved.set(callId, now);
    return ok(call);
  }

  /** Gives a reserved slot back (the upgrade failed). */
  release(callId: string): void {
    this.reserved.delete(callId);
  }

  /**
   * The reserved socket opened: starts its session (`connected` goes out now). If the call
   * ended in between, the session sends `stop` and closes at once.
   */
  open(callId: string, mode: StreamMode, socket: StreamSocket): StreamSession {
    this.reserved.delete(callId);
    const call = this.opts.findCall(callId) ?? endedCall(callId);
    // §3: "MZ" + 32 lowercase hex, new for every socket.
    const streamSid = `MZ${randomHex(this.opts.random, 16)}`;
    const session = new StreamSession(call, mode, socket, streamSid, {
      clock: this.opts.clock,
      logger: this.opts.logger,
      metrics: this.opts.metrics,
      encoding: this.opts.encoding,
      decoder: this.decoder,
      onClosed: (s) => this.onClosed(s),
    });
    this.sessions.set(callId, session);
    if (this.keepalive === undefined) {
      this.keepalive = this.opts.timers.setInterval(this.sweep, KEEPALIVE_INTERVAL_MS);
    }
    session.open();
    return session;
  }

  /** Shutdown: `stop` and close 1001 on every socket (§2.4). */
  closeAll(): void {
    for (const s of [...this.sessions.values()]) s.ended("shutdown");
  }

  private dropLapsedReservations(now: number): void {
    for (const [callId, at] of this.reserved) {
      if (now - at < RESERVATION_MS) return;
      this.reserved.delete(callId);
    }
  }

  private onClosed(session: StreamSession): void {
    if (this.sessions.get(session.call.callId) === session) this.sessions.delete(session.call.callId);
    if (this.sessions.size === 0 && this.keepalive !== undefined) {
      this.opts.timers.clearInterval(this.keepalive);
      this.keepalive = undefined;
    }
  }
}

/** Stand-in for a call that vanished between the handshake and the open: it is over. */
function endedCall(callId: string): StreamCallPort {
  return {
    callId,
    state: "ended",
    streamAllowed: true,
    customParameters: {},
    remoteHeld: false,
    playing: false,
    isMuted: false,
    subscribe: () => () => {},
    setStreamSource: () => {},
  };
}
