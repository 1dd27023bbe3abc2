/**
 * The receive path of one session, free of IO so it can be tested and benchmarked on plain
 * buffers: SRTP unprotect → RTP decode → payload-type demux (telephone-event → DTMF
 * receiver, spec/sip.md §9: never reaches the audio) → jitter buffer → codec decode / PLC →
 * re-framing to exact 160-sample frames (spec/websocket.md §7). Buffers are allocated once
 * per pipeline; a packet costs no allocation here.
 */
import { type AudioCodec, FRAME_SAMPLES, type FrameDecoder, MAX_DECODED_SAMPLES } from "../codec/types.ts";
import type { DtmfReceiver } from "../dtmf/receiver.ts";
import { JitterBuffer, type JitterFrame } from "../rtp/jitter-buffer.ts";
import { ReceiverStats } from "../rtp/receiver-stats.ts";
import { createRtpView, decodeRtp } from "../rtp/rtp-packet.ts";
import type { SrtpContext } from "../srtp/srtp-context.ts";
import type { FrameSink } from "./types.ts";

export type InboundVerdict = "audio" | "event" | "dropped";

export interface InboundConfig {
  codec: AudioCodec;
  payloadType: number;
  telephoneEventPayloadType?: number;
  srtp?: SrtpContext;
  /** RFC 4733 receiver (src/dtmf) for the telephone-event payload type. */
  dtmf?: DtmfReceiver;
}

export class InboundPipeline {
  private readonly view = createRtpView();
  private readonly frame: JitterFrame = {
    sequenceNumber: 0,
    timestamp: 0,
    marker: false,
    payload: new Uint8Array(0),
  };
  private readonly pcm = new Int16Array(MAX_DECODED_SAMPLES);
  private readonly out = new Int16Array(FRAME_SAMPLES);
  private fill = 0;
  private lastSamples = FRAME_SAMPLES;
  private decoder: FrameDecoder;
  private jitter: JitterBuffer;
  private stats = new ReceiverStats();
  private config: InboundConfig;
  /** SSRC of the audio stream being played; a new one resets stats and the buffer. */
  private ssrc = -1;
  sink: FrameSink | undefined;
  /** Called with each DTMF digit the receiver reports. */
  onDigit: ((digit: string) => void) | undefined;
  received = 0;
  dropped = 0;
  concealed = 0;

  constructor(config: InboundConfig) {
    this.config = config;
    this.decoder = config.codec.createDecoder();
    this.jitter = new JitterBuffer({ clockRate: config.codec.rtpClockRate });
  }

  /** re-INVITE: a new codec, payload types or keys; audio state restarts cleanly. */
  reconfigure(config: InboundConfig): void {
    if (config.codec !== this.config.codec) {
      this.decoder.free();
      this.decoder = config.codec.createDecoder();
      this.jitter = new JitterBuffer({ clockRate: config.codec.rtpClockRate });
      this.ssrc = -1;
    }
    this.config = config;
  }

  /** One datagram (decrypted in place). `now` is monotonic ms. */
  receive(buf: Uint8Array, length: number, now: number): InboundVerdict {
    const c = this.config;
    let n = length;
    if (c.srtp !== undefined) {
      const r = c.srtp.unprotectRtp(buf, length);
      if (typeof r !== "number") {
        this.dropped++;
        return "dropped";
      }
      n = r;
    }
    const v = this.view;
    if (decodeRtp(buf, n, v) !== undefined) {
      this.dropped++;
      return "dropped";
    }
    if (c.telephoneEventPayloadType !== undefined && v.payloadType === c.telephoneEventPayloadType) {
      this.received++;
      const payload = buf.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength);
      if (c.dtmf !== undefined) {
        const digits = c.dtmf.push(payload, v.timestamp, now);
        for (let i = 0; i < digits.length; i++) this.onDigit?.(digits[i]!.digit);
      }
      return "event";
    }
    if (v.payloadType !== c.payloadType) {
      this.dropped++;
      return "dropped";
    }
    if (v.ssrc !== this.ssrc) {
      // RFC 3550 §8.2: a new SSRC is a new source; its sequence space is unrelated.
      this.ssrc = v.ssrc;
      this.stats = new ReceiverStats();
      this.jitter.reset();
    }
    this.received++;
    this.stats.updateSeq(v.sequenceNumber);
    this.stats.updateJitter((now * c.codec.rtpClockRate) / 1000, v.timestamp);
    this.jitter.insert(v.sequenceNumber, v.timestamp, v.marker, buf, v.payloadOffset, v.payloadLength, now);
    return "audio";
  }

  /** Plays out everything due at `now`: decode or conceal, then emit whole 20 ms frames. */
  playout(now: number): void {
    // An event whose end packets were all lost is reported once it has been quiet a while.
    const late = this.config.dtmf?.poll(now);
    if (late !== undefined) this.onDigit?.(late.digit);
    for (;;) {
      const r = this.jitter.pop(now, this.frame);
      if (r === "none") return;
      let samples: number;
      if (r === "packet") {
        samples = this.decoder.decode(this.frame.payload, this.pcm);
        if (samples > 0) this.lastSamples = samples;
      } else {
        // A lost packet: conceal as much audio as the previous packet carried.
        samples = this.decoder.conceal(this.pcm, Math.min(this.lastSamples, this.pcm.length));
        this.concealed++;
      }
      this.reframe(samples);
    }
  }

  /** RTCP reception report inputs (RFC 3550 §6.4.1) for the current source. */
  get receiverStats(): ReceiverStats {
    return this.stats;
  }

  get sourceSsrc(): number {
    return this.ssrc;
  }

  get jitterMs(): number {
    return this.jitter.stats().jitterMs;
  }

  close(): void {
    this.decoder.free();
  }

  private reframe(samples: number): void {
    let i = 0;
    while (i < samples) {
      const take = Math.min(FRAME_SAMPLES - this.fill, samples - i);
      for (let k = 0; k < take; k++) this.out[this.fill + k] = this.pcm[i + k]!;
      this.fill += take;
      i += take;
      if (this.fill === FRAME_SAMPLES) {
        this.fill = 0;
        this.sink?.(this.out);
      }
    }
  }
}
