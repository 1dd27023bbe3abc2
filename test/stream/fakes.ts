/**
 * Test doubles for the stream's ports: a call that tests drive by hand (state, events, the
 * attached frame source) and a socket that records what the session sends.
 */
import { expect } from "bun:test";
import type { EndReason } from "../../src/call/events.ts";
import type { Logger } from "../../src/lib/logger.ts";
import { StreamHub } from "../../src/stream/stream-hub.ts";
import type {
  StreamCallListener,
  StreamCallPort,
  StreamCallState,
  StreamEncoding,
  StreamFrameSource,
  StreamMetrics,
  StreamMode,
  StreamSocket,
} from "../../src/stream/types.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { seededRandom } from "../support/seeded-random.ts";

export class FakeCall implements StreamCallPort {
  state: StreamCallState = "ringing";
  streamAllowed = true;
  customParameters: Record<string, string> = {};
  remoteHeld = false;
  playing = false;
  isMuted = false;
  listener: StreamCallListener | undefined;
  source: StreamFrameSource | undefined;

  constructor(readonly callId = "CA0f3c0000000000000000000000000001") {}

  subscribe(listener: StreamCallListener): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  setStreamSource(source: StreamFrameSource | undefined): void {
    this.source = source;
  }

  answer(): void {
    this.state = "in_progress";
    this.listener?.answered();
  }

  end(reason: EndReason = "normal"): void {
    this.state = "ended";
    this.listener?.ended(reason);
  }
}

export interface SentMessage {
  kind: "text" | "binary" | "ping" | "close" | "terminate";
  text?: string;
  bytes?: Uint8Array;
  code?: number;
}

export class FakeSocket implements StreamSocket {
  readonly sent: SentMessage[] = [];
  /** Status returned by the next sends: > 0 sent, -1 backpressure. */
  status = 1;

  sendText(text: string): number {
    this.sent.push({ kind: "text", text });
    return this.status;
  }

  sendBinary(data: Uint8Array): number {
    this.sent.push({ kind: "binary", bytes: data.slice() });
    return this.status;
  }

  ping(): void {
    this.sent.push({ kind: "ping" });
  }

  close(code: number): void {
    this.sent.push({ kind: "close", code });
  }

  terminate(): void {
    this.sent.push({ kind: "terminate" });
  }

  /** Parsed JSON text messages. */
  json(): Record<string, unknown>[] {
    return this.sent
      .filter((m) => m.kind === "text")
      .map((m) => JSON.parse(m.text!) as Record<string, unknown>);
  }

  events(): string[] {
    return this.json().map((m) => m.event as string);
  }

  closeCode(): number | undefined {
    return this.sent.find((m) => m.kind === "close")?.code;
  }
}

export interface CountingMetrics extends StreamMetrics {
  readonly counts: { connections: number; sent: number; received: number };
}

export function countingMetrics(): CountingMetrics {
  const counts = { connections: 0, sent: 0, received: 0 };
  return {
    counts,
    connections: { inc: () => counts.connections++, dec: () => counts.connections-- },
    framesSent: { inc: () => counts.sent++ },
    framesReceived: { inc: () => counts.received++ },
  };
}

export interface HubRig {
  hub: StreamHub;
  logs: LogLine[];
  clock: ManualClock;
  calls: Map<string, FakeCall>;
  metrics: CountingMetrics;
}

export function hubRig(encoding: StreamEncoding = "audio/x-mulaw"): HubRig {
  const clock = new ManualClock(1000);
  const calls = new Map<string, FakeCall>();
  const metrics = countingMetrics();
  const logs: LogLine[] = [];
  const hub = new StreamHub({
    clock,
    timers: clock,
    random: seededRandom(7),
    logger: recordingLogger(logs),
    metrics,
    encoding,
    findCall: (id) => calls.get(id),
  });
  return { hub, logs, clock, calls, metrics };
}

/** Passes the handshake checks for `call` and opens its socket, as the `/ws` route does. */
export function openSession(rig: HubRig, mode: StreamMode = "twilio", call = new FakeCall()) {
  rig.calls.set(call.callId, call);
  const socket = new FakeSocket();
  expect(rig.hub.reserve(call.callId).ok).toBe(true);
  const session = rig.hub.open(call.callId, mode, socket);
  return { call, socket, session, sid: session.streamSid };
}

export interface LogLine {
  level: string;
  msg: string;
  fields: Readonly<Record<string, unknown>>;
}

/** A logger that records every line (debug enabled), children included. */
export function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (msg: string, fields: Readonly<Record<string, unknown>> = {}) => {
      lines.push({ level, msg, fields });
    };
  const logger: Logger = {
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    trace: at("trace"),
    child: () => logger,
    enabled: () => true,
  };
  return logger;
}

/** One 160-sample frame filled with `value`. */
export function frameOf(value: number): Int16Array {
  return new Int16Array(160).fill(value);
}

/** Base64 of `n` PCM16 LE samples of `value`. */
export function l16Base64(n: number, value: number): string {
  const b = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    b[2 * i] = value & 0xff;
    b[2 * i + 1] = (value >> 8) & 0xff;
  }
  return b.toBase64();
}
