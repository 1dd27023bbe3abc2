/**
 * Everything one socket sends (spec/websocket.md §3, §5): numbers every message after
 * `connected` (`sequenceNumber` "1" on `start`, +1 per JSON message), counts `chunk`s, frames
 * caller audio as Twilio `media` JSON (μ-law or PCM16 LE base64 per `stream.encoding`) or as
 * native binary frames, and bumps `xbridge_ws_frames_total{direction="sent"}`.
 *
 * Native binary frames carry no `sequenceNumber`, so they do not consume one: the JSON
 * messages of a native socket stay numbered 1, 2, 3… without gaps.
 *
 * Per frame the only allocations are the base64 string and the message string (Twilio mode);
 * the encode buffers are reused (DESIGN.md performance rules).
 */
import { ULAW_ENCODE } from "../codec/g711-tables.ts";
import { FRAME_SAMPLES } from "../codec/types.ts";
import { encodeNativeFrame, NATIVE_FRAME_BYTES, writeL16 } from "./native-frame.ts";
import { mediaMessage } from "./server-messages.ts";
import type { StreamEncoding, StreamMetrics, StreamMode, StreamSocket } from "./types.ts";

export class StreamWriter {
  private seq = 0;
  private chunk = 0;
  private readonly ulaw = new Uint8Array(FRAME_SAMPLES);
  private readonly l16 = new Uint8Array(FRAME_SAMPLES * 2);
  private readonly native = new Uint8Array(NATIVE_FRAME_BYTES);

  constructor(
    private readonly socket: StreamSocket,
    private readonly metrics: StreamMetrics,
    readonly mode: StreamMode,
    private readonly encoding: StreamEncoding,
    readonly streamSid: string,
  ) {}

  /** The `sequenceNumber` the next JSON message will carry. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Sends a JSON text message built with `nextSeq()` (or `connected`). */
  sendText(text: string): number {
    this.metrics.framesSent.inc();
    return this.socket.sendText(text);
  }

  /** Sends one 160-sample caller frame; returns the socket's send status. */
  sendFrame(frame: Int16Array, timestampMs: number): number {
    this.metrics.framesSent.inc();
    if (this.mode === "native") {
      encodeNativeFrame(frame, this.native);
      return this.socket.sendBinary(this.native);
    }
    let payload: string;
    if (this.encoding === "audio/x-mulaw") {
      const out = this.ulaw;
      for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = ULAW_ENCODE[frame[i]! & 0xffff]!;
      payload = out.toBase64();
    } else {
      writeL16(frame, this.l16, 0);
      payload = this.l16.toBase64();
    }
    return this.socket.sendText(mediaMessage(++this.seq, this.streamSid, ++this.chunk, timestampMs, payload));
  }
}
