/**
 * Types for the Emscripten module inside the `opusscript` package (libopus compiled to WASM).
 * opus.ts uses this module directly rather than opusscript's wrapper class, whose encode and
 * decode allocate a Buffer per call. PCM crosses the boundary as one byte per 16-bit heap
 * slot (see opus.ts).
 */
declare module "opusscript/build/opusscript_native_wasm.js" {
  export interface OpusNativeHandler {
    /** opus_encode of `frameSize` samples (byte-per-slot at `pcm`) into `opus`; bytes or < 0. */
    _encode(pcm: number, pcmBytes: number, opus: number, frameSize: number): number;
    /** opus_decode of `len` bytes at `opus` into byte-per-slot `pcm`; samples or < 0. */
    _decode(opus: number, len: number, pcm: number): number;
    _encoder_ctl(ctl: number, arg: number): number;
    _decoder_ctl(ctl: number, arg: number): number;
  }

  export interface OpusNativeModule {
    /** Replaced by a new view whenever the WASM memory grows. */
    HEAPU8: Uint8Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    OpusScriptHandler: {
      new (sampleRate: number, channels: number, application: number): OpusNativeHandler;
      destroy_handler(handler: OpusNativeHandler): void;
    };
  }

  const createModule: () => OpusNativeModule;
  export default createModule;
}
