/**
 * Opus (RFC 6716; RTP payload format RFC 7587) through the libopus WASM build shipped in the
 * `opusscript` package. The encoder and decoder run at 8 kHz mono (the app-side format), so no
 * resampling happens in TypeScript; the RTP clock is nevertheless 48 kHz (RFC 7587 §4.1), 960
 * ticks per 20 ms. The WASM module is instantiated once per process and shared; each encoder
 * or decoder owns one libopus handler plus two heap buffers and must be free()d.
 *
 * Loss: conceal() asks libopus for its PLC by decoding a TOC-only packet (a code 0 packet whose
 * one frame has zero bytes, RFC 6716 §3.2.1/§3.2.2; libopus conceals such a frame as lost).
 * Its configuration (§3.1, Table 2) keeps the mode and bandwidth of the last packet received
 * and states the duration wanted, so libopus conceals exactly 10 or 20 ms (an empty packet
 * would make it conceal its 120 ms maximum at once). In-band FEC (decode_fec) is not reachable
 * through opusscript's native handler, so we offer useinbandfec=0 (spec/sip.md §10).
 */
import createOpusModule, {
  type OpusNativeHandler,
  type OpusNativeModule,
} from "opusscript/build/opusscript_native_wasm.js";
import type { AudioCodec, FrameDecoder, FrameEncoder } from "./types.ts";

/** libopus constants (opus_defines.h). */
const OPUS_APPLICATION_VOIP = 2048;
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_COMPLEXITY = 4010;
const OPUS_SET_INBAND_FEC = 4012;
const OPUS_SET_SIGNAL = 4024;
const OPUS_SIGNAL_VOICE = 3001;

const SAMPLE_RATE = 8000;
/** Size of the packet buffer opusscript's native encode assumes (3 × 1276 bytes). */
const MAX_PACKET_BYTES = 3828;
/** 120 ms at 8 kHz, the longest packet (RFC 6716 §3.2.5). */
const MAX_PACKET_SAMPLES = 960;
/**
 * opusscript's native side exchanges PCM as one byte per 16-bit heap slot (little-endian byte
 * pairs), unpacking in place before opus_encode and expanding after opus_decode; its decode
 * passes 5760 samples as frame_size, so the slot buffer holds 5760 × 2 slots.
 */
const PCM_SLOTS = 5760 * 2;

let shared: OpusNativeModule | undefined;

/** The process-wide libopus module, instantiated on first use. */
function opusModule(): OpusNativeModule {
  shared ??= createOpusModule();
  return shared;
}

/** Bytes of WASM memory the shared libopus module holds (it grows, never shrinks); 0 before use. */
export function opusHeapBytes(): number {
  return shared?.HEAPU8.byteLength ?? 0;
}

export interface OpusOptions {
  /** Target bitrate, bit/s (default 16000: SILK narrowband sounds clean at 12–20 kbit/s). */
  bitrate?: number;
  /** Encoder complexity 0–10 (default 5; cost grows ~3× from 1 to 10 at 8 kHz). */
  complexity?: number;
}

/** A libopus handler with a PCM buffer and a packet buffer on the WASM heap. */
class OpusHandle {
  readonly native: OpusNativeModule;
  readonly handler: OpusNativeHandler;
  readonly pcmPtr: number;
  readonly packetPtr: number;
  private pcmView: Uint16Array;
  private packetView: Uint8Array;
  freed = false;

  constructor() {
    this.native = opusModule();
    this.handler = new this.native.OpusScriptHandler(SAMPLE_RATE, 1, OPUS_APPLICATION_VOIP);
    this.pcmPtr = this.native._malloc(PCM_SLOTS * 2);
    this.packetPtr = this.native._malloc(MAX_PACKET_BYTES);
    const views = this.views();
    this.pcmView = views.pcm;
    this.packetView = views.packet;
  }

  /** Heap views, re-created only after the WASM memory grew (old views are then detached). */
  pcm(): Uint16Array {
    if (this.pcmView.buffer !== this.native.HEAPU8.buffer) this.refresh();
    return this.pcmView;
  }

  packet(): Uint8Array {
    if (this.packetView.buffer !== this.native.HEAPU8.buffer) this.refresh();
    return this.packetView;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.native.OpusScriptHandler.destroy_handler(this.handler);
    this.native._free(this.pcmPtr);
    this.native._free(this.packetPtr);
  }

  private refresh(): void {
    const v = this.views();
    this.pcmView = v.pcm;
    this.packetView = v.packet;
  }

  private views(): { pcm: Uint16Array; packet: Uint8Array } {
    const buffer = this.native.HEAPU8.buffer;
    return {
      pcm: new Uint16Array(buffer, this.pcmPtr, PCM_SLOTS),
      packet: new Uint8Array(buffer, this.packetPtr, MAX_PACKET_BYTES),
    };
  }
}

class OpusFrameEncoder implements FrameEncoder {
  private readonly handle = new OpusHandle();

  constructor(options: OpusOptions) {
    const { handler } = this.handle;
    handler._encoder_ctl(OPUS_SET_BITRATE, options.bitrate ?? 16000);
    handler._encoder_ctl(OPUS_SET_COMPLEXITY, options.complexity ?? 5);
    handler._encoder_ctl(OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE);
    handler._encoder_ctl(OPUS_SET_INBAND_FEC, 0);
  }

  encode(pcm8k: Int16Array, out: Uint8Array): number {
    const h = this.handle;
    if (h.freed || pcm8k.length > MAX_PACKET_SAMPLES) return 0;
    const slots = h.pcm();
    for (let i = 0; i < pcm8k.length; i++) {
      const s = pcm8k[i]!;
      slots[2 * i] = s & 0xff;
      slots[2 * i + 1] = (s >> 8) & 0xff;
    }
    const bytes = h.handler._encode(h.pcmPtr, pcm8k.length * 2, h.packetPtr, pcm8k.length);
    if (bytes <= 0 || bytes > out.length) return 0;
    const packet = h.packet();
    for (let i = 0; i < bytes; i++) out[i] = packet[i]!;
    return bytes;
  }

  free(): void {
    this.handle.free();
  }
}

/**
 * TOC byte (RFC 6716 §3.1) for one frame of `ms` (10 or 20) in the mode and bandwidth of the
 * configuration `config` (0–31, Table 2): SILK 0–11, Hybrid 12–15, CELT 16–31.
 */
function plcToc(config: number, ms: 10 | 20): number {
  let c: number;
  if (config < 12) c = (config & ~3) | (ms === 10 ? 0 : 1);
  else if (config < 16) c = (config & ~1) | (ms === 10 ? 0 : 1);
  else c = (config & ~3) | (ms === 10 ? 2 : 3);
  return c << 3;
}

class OpusFrameDecoder implements FrameDecoder {
  private readonly handle = new OpusHandle();
  /** Configuration of the last good packet, or −1 before the first. */
  private lastConfig = -1;

  decode(payload: Uint8Array, out: Int16Array): number {
    const h = this.handle;
    if (h.freed || payload.length === 0 || payload.length > MAX_PACKET_BYTES) return 0;
    h.packet().set(payload);
    const samples = h.handler._decode(h.packetPtr, payload.length, h.pcmPtr);
    if (samples <= 0) return 0;
    this.lastConfig = payload[0]! >> 3;
    return this.copyOut(out, 0, samples);
  }

  conceal(out: Int16Array, samples: number): number {
    const h = this.handle;
    const n = Math.min(samples, out.length);
    if (h.freed || this.lastConfig < 0) {
      out.fill(0, 0, n);
      return n;
    }
    let written = 0;
    while (written < n) {
      // 20 ms pieces, a 10 ms one for a short remainder; a tail under 10 ms is cut from 10 ms.
      h.packet()[0] = plcToc(this.lastConfig, n - written >= 160 ? 20 : 10);
      const got = h.handler._decode(h.packetPtr, 1, h.pcmPtr);
      if (got <= 0) {
        out.fill(0, written, n);
        return n;
      }
      written = this.copyOut(out, written, Math.min(got, n - written)) + written;
    }
    return n;
  }

  free(): void {
    this.handle.free();
  }

  private copyOut(out: Int16Array, at: number, samples: number): number {
    const slots = this.handle.pcm();
    const count = Math.min(samples, out.length - at);
    // Int16Array stores wrap the reassembled unsigned 16-bit value to its signed meaning.
    for (let i = 0; i < count; i++) out[at + i] = slots[2 * i]! | (slots[2 * i + 1]! << 8);
    return count;
  }
}

/** opus/48000/2, dynamic payload type (spec/sip.md §10 uses 111), coded at 8 kHz mono. */
export function createOpusCodec(options: OpusOptions = {}): AudioCodec {
  return {
    name: "opus",
    rtpClockRate: 48000,
    rtpTicksPer20ms: 960,
    createEncoder: () => new OpusFrameEncoder(options),
    createDecoder: () => new OpusFrameDecoder(),
  };
}
