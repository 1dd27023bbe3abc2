/**
 * G.711 µ-law (PCMU, PT 0) and A-law (PCMA, PT 8) codecs (ITU-T G.711; RFC 3551 §4.5.14):
 * one byte per 8 kHz sample, so a payload of any ptime decodes to payload.length samples.
 * Encoding and decoding are single table lookups (DESIGN.md performance rules); lost packets
 * are concealed by G.711 Appendix I style waveform repetition (plc.ts).
 */
import { ALAW_DECODE, ALAW_ENCODE, ULAW_DECODE, ULAW_ENCODE } from "./g711-tables.ts";
import { WaveformRepetitionPlc } from "./plc.ts";
import type { AudioCodec, FrameDecoder, FrameEncoder } from "./types.ts";

class G711Encoder implements FrameEncoder {
  constructor(private readonly table: Uint8Array) {}

  encode(pcm8k: Int16Array, out: Uint8Array): number {
    const n = pcm8k.length;
    if (out.length < n) return 0;
    const t = this.table;
    for (let i = 0; i < n; i++) out[i] = t[pcm8k[i]! & 0xffff]!;
    return n;
  }

  free(): void {}
}

class G711Decoder implements FrameDecoder {
  private readonly plc = new WaveformRepetitionPlc();

  constructor(private readonly table: Int16Array) {}

  decode(payload: Uint8Array, out: Int16Array): number {
    const n = Math.min(payload.length, out.length);
    const t = this.table;
    for (let i = 0; i < n; i++) out[i] = t[payload[i]!]!;
    this.plc.receive(out, n);
    return n;
  }

  conceal(out: Int16Array, samples: number): number {
    return this.plc.conceal(out, samples);
  }

  free(): void {}
}

function g711Codec(name: "pcmu" | "pcma", encode: Uint8Array, decode: Int16Array): AudioCodec {
  return {
    name,
    rtpClockRate: 8000,
    rtpTicksPer20ms: 160,
    createEncoder: () => new G711Encoder(encode),
    createDecoder: () => new G711Decoder(decode),
  };
}

/** PCMU/8000, payload type 0 (RFC 3551 Table 4). */
export const pcmuCodec: AudioCodec = g711Codec("pcmu", ULAW_ENCODE, ULAW_DECODE);
/** PCMA/8000, payload type 8 (RFC 3551 Table 4). */
export const pcmaCodec: AudioCodec = g711Codec("pcma", ALAW_ENCODE, ALAW_DECODE);
