/**
 * The send side of one session: RTP sequence/timestamp/SSRC continuity (RFC 3550 §5.1:
 * random initial values, one SSRC for audio and telephone events, RFC 4733 §2.1), encoding a
 * 20 ms frame or writing a telephone-event payload into a reused packet buffer, and SRTP
 * protection. No IO and no allocation per packet.
 */
import { type AudioCodec, FRAME_SAMPLES, type FrameEncoder, MAX_ENCODED_BYTES } from "../codec/types.ts";
import type { Random } from "../lib/random.ts";
import { randomU32 } from "../lib/random.ts";
import { RTP_FIXED_HEADER_BYTES, writeRtpHeader } from "../rtp/rtp-packet.ts";
import { seqNext, timestampAdd } from "../rtp/sequence.ts";
import type { SrtpContext } from "../srtp/srtp-context.ts";

/** Room for header, the largest encoded frame and the SRTP trailer (MKI up to 16 + tag). */
const PACKET_BYTES = RTP_FIXED_HEADER_BYTES + MAX_ENCODED_BYTES + 64;

export class OutboundStream {
  readonly ssrc: number;
  private seq: number;
  private timestamp: number;
  private encoder: FrameEncoder;
  private codec: AudioCodec;
  private readonly silence = new Int16Array(FRAME_SAMPLES);
  /** The packet being built; valid until the next call. */
  readonly packet = new Uint8Array(PACKET_BYTES);
  private readonly body = this.packet.subarray(
    RTP_FIXED_HEADER_BYTES,
    RTP_FIXED_HEADER_BYTES + MAX_ENCODED_BYTES,
  );
  /** Event payload scratch for the telephone-event sender. */
  readonly eventPayload = new Uint8Array(16);
  packetsSent = 0;
  octetsSent = 0;
  /** RTP timestamp of the last packet, for the SR (RFC 3550 §6.4.1). */
  lastTimestamp = 0;

  constructor(
    codec: AudioCodec,
    random: Random,
    public payloadType: number,
    public srtp: SrtpContext | undefined,
  ) {
    this.codec = codec;
    this.encoder = codec.createEncoder();
    this.ssrc = randomU32(random);
    this.seq = randomU32(random) & 0xffff;
    this.timestamp = randomU32(random);
  }

  /** Switches codec on re-INVITE; SSRC, sequence and timestamp continue (RFC 3550 §5.1). */
  setCodec(codec: AudioCodec, payloadType: number): void {
    if (codec !== this.codec) {
      this.encoder.free();
      this.encoder = codec.createEncoder();
      this.codec = codec;
    }
    this.payloadType = payloadType;
  }

  /** Builds one audio packet from `pcm` (or silence) and returns its length, or 0 on failure. */
  audio(pcm: Int16Array | undefined): number {
    const n = this.encoder.encode(pcm ?? this.silence, this.body);
    const ts = this.timestamp;
    this.timestamp = timestampAdd(this.timestamp, this.codec.rtpTicksPer20ms);
    if (n <= 0) return 0;
    writeRtpHeader(this.packet, this.payloadType, false, this.seq, ts, this.ssrc);
    return this.finish(RTP_FIXED_HEADER_BYTES + n, ts);
  }

  get clockRate(): number {
    return this.codec.rtpClockRate;
  }

  /** The RTP timestamp the next audio packet will carry. */
  get nextTimestamp(): number {
    return this.timestamp;
  }

  /**
   * Builds one telephone-event packet (RFC 4733 §2.1) from `eventPayload[0, length)` with
   * the event's start `timestamp` (§2.5.1.2: every packet of an event carries it). Audio
   * time keeps advancing underneath so audio resumes at the right timestamp.
   */
  event(payloadType: number, length: number, marker: boolean, timestamp: number): number {
    this.timestamp = timestampAdd(this.timestamp, this.codec.rtpTicksPer20ms);
    writeRtpHeader(this.packet, payloadType, marker, this.seq, timestamp, this.ssrc);
    for (let i = 0; i < length; i++) this.packet[RTP_FIXED_HEADER_BYTES + i] = this.eventPayload[i]!;
    return this.finish(RTP_FIXED_HEADER_BYTES + length, timestamp);
  }

  /** Advances time without sending (recvonly/inactive), so a resume continues the timeline. */
  skip(): void {
    this.timestamp = timestampAdd(this.timestamp, this.codec.rtpTicksPer20ms);
  }

  close(): void {
    this.encoder.free();
  }

  private finish(length: number, ts: number): number {
    this.seq = seqNext(this.seq);
    this.packetsSent++;
    this.octetsSent += length - RTP_FIXED_HEADER_BYTES;
    this.lastTimestamp = ts;
    if (this.srtp === undefined) return length;
    const r = this.srtp.protectRtp(this.packet, length);
    return typeof r === "number" ? r : 0;
  }
}
