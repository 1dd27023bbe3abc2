/**
 * Public surface of the codec layer (DESIGN.md L1: G.711, G.722, Opus, resampler, registry).
 * Media and stream code import from here; spec/sip.md §10 is the contract.
 */
export { pcmaCodec, pcmuCodec } from "./g711.ts";
export { g722Codec } from "./g722.ts";
export { G722Decoder, G722Encoder } from "./g722-adpcm.ts";
export { createOpusCodec, type OpusOptions, opusHeapBytes } from "./opus.ts";
export {
  type CodecRegistry,
  createCodecRegistry,
  createStandardCodecs,
  type StandardCodecOptions,
} from "./registry.ts";
export { createResampler, Resampler, type ResamplerDesign } from "./resampler.ts";
export {
  APP_SAMPLE_RATE,
  type AudioCodec,
  type CodecName,
  FRAME_SAMPLES,
  type FrameDecoder,
  type FrameEncoder,
  MAX_DECODED_SAMPLES,
  MAX_ENCODED_BYTES,
  rtpTicksFromSamples,
  samplesFromRtpTicks,
} from "./types.ts";
