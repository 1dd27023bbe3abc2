/**
 * The codec port of the media path (spec/sip.md §10). Every codec faces the application with
 * PCM16 8 kHz mono, 160 samples per 20 ms frame, whatever its own sample rate or RTP clock.
 * Encoders and decoders write into caller-provided buffers so the 20 ms path never allocates.
 */

/** Codec names as they appear in `a=rtpmap` (RFC 3551 §4.5, RFC 7587 §7), lower-cased. */
export type CodecName = "pcmu" | "pcma" | "g722" | "opus";

/** Samples of app-side audio per 20 ms frame: 8000 Hz × 0.020 s. */
export const FRAME_SAMPLES = 160;
/** App-side sample rate (spec/sip.md §10: the stream is always 8 kHz mono). */
export const APP_SAMPLE_RATE = 8000;
/**
 * Largest app-side decode output for one RTP payload: 120 ms, the longest Opus packet
 * (RFC 6716 §3.2.5 allows up to 120 ms) and more than any G.711/G.722 ptime we accept.
 */
export const MAX_DECODED_SAMPLES = 960;
/** Output buffer size that fits any encoded 20 ms frame of the codecs here (Opus ≤ 1275 B). */
export const MAX_ENCODED_BYTES = 1276;

export interface FrameEncoder {
  /**
   * Encodes one 20 ms frame of PCM16 8 kHz (`pcm8k.length` must be 160) into `out` and returns
   * the number of bytes written (0 if `out` is too small or the codec failed).
   */
  encode(pcm8k: Int16Array, out: Uint8Array): number;
  /** Releases WASM memory (Opus); a no-op for the pure-TS codecs. */
  free(): void;
}

export interface FrameDecoder {
  /**
   * Decodes one RTP payload of any duration (10, 20, 30, 60 ms…) into `out` as PCM16 8 kHz and
   * returns the number of samples written; 0 for a payload that cannot be decoded. Output is
   * truncated to `out.length` (size `out` with MAX_DECODED_SAMPLES to never truncate).
   */
  decode(payload: Uint8Array, out: Int16Array): number;
  /** Writes `samples` (≤ out.length) of concealment for lost audio; returns samples written. */
  conceal(out: Int16Array, samples: number): number;
  free(): void;
}

export interface AudioCodec {
  readonly name: CodecName;
  /** RTP timestamp clock (RFC 3551 §4.5.2: G.722 uses 8000 despite sampling at 16 kHz). */
  readonly rtpClockRate: number;
  /** RTP timestamp increment per 20 ms packet: 160, or 960 for Opus (RFC 7587 §4.1). */
  readonly rtpTicksPer20ms: number;
  createEncoder(): FrameEncoder;
  createDecoder(): FrameDecoder;
}

/** App-side (8 kHz) samples covered by `ticks` of this codec's RTP clock. */
export function samplesFromRtpTicks(codec: AudioCodec, ticks: number): number {
  return Math.round((ticks * APP_SAMPLE_RATE) / codec.rtpClockRate);
}

/** RTP clock ticks covering `samples` app-side (8 kHz) samples. */
export function rtpTicksFromSamples(codec: AudioCodec, samples: number): number {
  return Math.round((samples * codec.rtpClockRate) / APP_SAMPLE_RATE);
}
