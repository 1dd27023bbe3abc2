/**
 * G.722 (PT 9) as an app-facing codec: PCM16 8 kHz in and out, 64 kbit/s sub-band ADPCM at
 * 16 kHz on the wire (g722-adpcm.ts). RTP timestamps run at 8000 Hz although the codec samples
 * at 16 kHz (RFC 3551 §4.5.2), so 20 ms = 160 ticks = 160 octets. Outbound audio is
 * interpolated 1:2 and inbound audio low-pass filtered (cut-off 3.7 kHz) and decimated 2:1
 * (spec/sip.md §10), both by the polyphase resampler, whose state persists across frames.
 * Lost packets are concealed on the 8 kHz output by waveform repetition (plc.ts).
 */
import { G722Decoder, G722Encoder } from "./g722-adpcm.ts";
import { WaveformRepetitionPlc } from "./plc.ts";
import { Resampler } from "./resampler.ts";
import type { AudioCodec, FrameDecoder, FrameEncoder } from "./types.ts";

/** Octets (= 8 kHz output samples) handled per inner step, bounding the 16 kHz scratch buffer. */
const CHUNK = 160;

class G722FrameEncoder implements FrameEncoder {
  private readonly adpcm = new G722Encoder();
  private readonly upsampler = new Resampler(8000, 16000);
  private readonly wide = new Int16Array(2 * CHUNK + 2);

  encode(pcm8k: Int16Array, out: Uint8Array): number {
    let written = 0;
    for (let start = 0; start < pcm8k.length; start += CHUNK) {
      const len = Math.min(CHUNK, pcm8k.length - start);
      const view = start === 0 && len === pcm8k.length ? pcm8k : pcm8k.subarray(start, start + len);
      const samples = this.upsampler.process(view, len, this.wide);
      if (out.length - written < samples >> 1) return 0;
      written += this.adpcm.encode(this.wide, samples, written === 0 ? out : out.subarray(written));
    }
    return written;
  }

  free(): void {}
}

class G722FrameDecoder implements FrameDecoder {
  private readonly adpcm = new G722Decoder();
  private readonly downsampler = new Resampler(16000, 8000);
  private readonly plc = new WaveformRepetitionPlc();
  private readonly wide = new Int16Array(2 * CHUNK);
  private readonly narrow = new Int16Array(CHUNK + 1);

  decode(payload: Uint8Array, out: Int16Array): number {
    let written = 0;
    for (let start = 0; start < payload.length && written < out.length; start += CHUNK) {
      const len = Math.min(CHUNK, payload.length - start);
      const view = start === 0 ? payload : payload.subarray(start, start + len);
      const wideSamples = this.adpcm.decode(view, len, this.wide);
      const n = this.downsampler.process(this.wide, wideSamples, this.narrow);
      for (let i = 0; i < n && written < out.length; i++) out[written++] = this.narrow[i]!;
    }
    this.plc.receive(out, written);
    return written;
  }

  conceal(out: Int16Array, samples: number): number {
    return this.plc.conceal(out, samples);
  }

  free(): void {}
}

/** G722/8000, payload type 9 (RFC 3551 Table 4). */
export const g722Codec: AudioCodec = {
  name: "g722",
  rtpClockRate: 8000,
  rtpTicksPer20ms: 160,
  createEncoder: () => new G722FrameEncoder(),
  createDecoder: () => new G722FrameDecoder(),
};
