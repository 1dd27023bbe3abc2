/**
 * Audio sources of `POST /v1/calls/{call_id}/play` (spec/rest-api.md "POST …/play"): WAV files
 * fetched from a URL and inline base64 PCM, both brought to the gateway's 8 kHz mono PCM16.
 *
 * WAV (Microsoft RIFF, "Multimedia Programming Interface and Data Specifications 1.0", 1991,
 * and the WAVE_FORMAT_EXTENSIBLE addendum):
 *
 *   offset 0   "RIFF"  u32le riff-size  "WAVE"
 *   offset 12  chunk*:  id[4]  u32le size  payload[size]  (pad byte when size is odd)
 *   "fmt " ≥ 16 bytes:  u16 format-tag  u16 channels  u32 sample-rate  u32 byte-rate
 *                       u16 block-align  u16 bits-per-sample  [u16 cb-size  u16 valid-bits
 *                       u32 channel-mask  guid sub-format]   (the bracket: extensible, ≥ 40)
 *
 * Accepted (rest-api.md): format tag 1 (PCM), or 0xFFFE (extensible) whose sub-format GUID is
 * KSDATAFORMAT_SUBTYPE_PCM; 16 bits per sample; 1 or 2 channels; any sample rate the resampler
 * supports. Lenient where real writers differ: the RIFF size is ignored (streaming writers put
 * 0 or 0xFFFFFFFF there), a `data` chunk longer than the file is truncated to what is present,
 * an odd trailing byte (and a partial stereo frame) is dropped, unknown chunks are skipped.
 * Pure: no IO; bad bytes yield an error whose reason is fit for a 400 body, never a throw.
 */
import { err, ok, parseError, type Result } from "../lib/result.ts";
import { createResampler } from "./resampler.ts";
import { APP_SAMPLE_RATE } from "./types.ts";

export type WavErrorKind =
  | "not_wav"
  | "missing_fmt"
  | "format_tag"
  | "channels"
  | "rate"
  | "bits"
  | "missing_data"
  | "empty";

/** Why a WAV file was refused; `reason` is a sentence for the 400 `message`. */
export interface WavError {
  readonly kind: WavErrorKind;
  readonly reason: string;
  /** Byte offset of the offending chunk or field, when there is one. */
  readonly offset?: number;
}

export interface Wav {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** Interleaved samples (L R L R … for stereo), whole frames only. */
  readonly pcm: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID {xxxxxxxx-0000-0010-8000-00AA00389B71}, as stored (mixed-endian). */
const SUBTYPE_GUID_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];
/** Same bound as the resampler's (resampler.ts MAX_RATE). */
const MAX_SAMPLE_RATE = 384000;

/** Names for the format tags people actually send (RFC 2361 Appendix A registry). */
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  2: "Microsoft ADPCM",
  3: "IEEE float",
  6: "A-law",
  7: "µ-law",
  17: "IMA ADPCM",
  85: "MPEG Layer 3",
};

function wavError(kind: WavErrorKind, reason: string, offset?: number): Result<never, WavError> {
  return err(offset === undefined ? { kind, reason } : { kind, reason, offset });
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

interface Format {
  readonly channels: 1 | 2;
  readonly sampleRate: number;
}

/** Validates a `fmt ` chunk payload at `at` of `size` bytes (size ≥ 16 checked by the caller). */
function readFormat(view: DataView, bytes: Uint8Array, at: number, size: number): Result<Format, WavError> {
  const tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    // The sub-format GUID sits at offset 24 of an extensible `fmt ` (cb-size ≥ 22).
    if (size < 40) return wavError("format_tag", "WAV extensible fmt chunk is shorter than 40 bytes", at);
    const sub = view.getUint16(at + 24, true);
    const pcmGuid = sub === WAVE_FORMAT_PCM && SUBTYPE_GUID_TAIL.every((v, i) => bytes[at + 26 + i] === v);
    if (!pcmGuid)
      return wavError(
        "format_tag",
        "WAV format is WAVE_FORMAT_EXTENSIBLE with a non-PCM sub-format; only PCM is supported",
        at + 24,
      );
  } else if (tag !== WAVE_FORMAT_PCM) {
    const name = FORMAT_NAMES[tag];
    return wavError(
      "format_tag",
      `WAV format tag ${tag}${name === undefined ? "" : ` (${name})`} is not supported; only 1 (PCM) is`,
      at,
    );
  }
  if (channels !== 1 && channels !== 2)
    return wavError("channels", `WAV has ${channels} channels; only 1 or 2 are supported`, at + 2);
  if (sampleRate === 0 || sampleRate > MAX_SAMPLE_RATE)
    return wavError("rate", `WAV sample rate ${sampleRate} Hz is not supported`, at + 4);
  if (bits !== 16)
    return wavError("bits", `WAV has ${bits} bits per sample; only 16-bit PCM is supported`, at + 14);
  return ok({ channels, sampleRate });
}

/** Walks the RIFF chunks of a WAV file and returns its PCM16 samples (see file comment). */
export function parseWav(bytes: Uint8Array): Result<Wav, WavError> {
  if (bytes.length < 12 || fourcc(bytes, 0) !== "RIFF" || fourcc(bytes, 8) !== "WAVE")
    return wavError("not_wav", "audio is not a RIFF/WAVE file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Format | undefined;
  let at = 12;
  // Each turn advances ≥ 8 bytes, so the walk ends within length/8 turns.
  while (at + 8 <= bytes.length) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    const present = Math.min(size, bytes.length - body);
    if (id === "fmt ") {
      if (present < 16) return wavError("missing_fmt", "WAV fmt chunk is shorter than 16 bytes", at);
      const f = readFormat(view, bytes, body, present);
      if (!f.ok) return f;
      format = f.value;
    } else if (id === "data") {
      if (format === undefined)
        return wavError("missing_fmt", "WAV data chunk comes before any fmt chunk", at);
      return readSamples(view, body, present, format);
    }
    // Chunks are padded to an even size; the pad byte is not counted in `size`.
    at = body + size + (size & 1);
  }
  return format === undefined
    ? wavError("missing_fmt", "WAV file has no fmt chunk")
    : wavError("missing_data", "WAV file has no data chunk");
}

function readSamples(view: DataView, at: number, length: number, format: Format): Result<Wav, WavError> {
  // Whole frames only: drops an odd trailing byte and a half stereo frame.
  const frames = Math.floor(length / (2 * format.channels));
  if (frames === 0) return wavError("empty", "WAV data chunk holds no audio", at);
  const pcm = new Int16Array(frames * format.channels);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(at + 2 * i, true);
  return ok({ sampleRate: format.sampleRate, channels: format.channels, pcm });
}

/**
 * Downmixes by averaging the channels and resamples to 8 kHz. The resampler's group delay is
 * removed (the input is followed by one filter length of silence and the lead is skipped), so
 * the result keeps the timing of the source: round(frames × 8000 / rate) samples.
 */
export function toPcm8kMono(wav: Wav): Result<Int16Array> {
  const frames = wav.pcm.length / wav.channels;
  const mono = new Int16Array(frames);
  if (wav.channels === 2) {
    for (let i = 0; i < frames; i++) mono[i] = (wav.pcm[2 * i]! + wav.pcm[2 * i + 1]!) >> 1;
  } else mono.set(wav.pcm);
  if (wav.sampleRate === APP_SAMPLE_RATE) return ok(mono);

  const made = createResampler(wav.sampleRate, APP_SAMPLE_RATE);
  if (!made.ok)
    return parseError(
      `WAV sample rate ${wav.sampleRate} Hz cannot be converted to 8000 Hz (${made.error.reason})`,
    );
  const r = made.value;
  const padded = new Int16Array(frames + r.taps);
  padded.set(mono);
  const out = new Int16Array(r.maxOutput(padded.length));
  const written = r.process(padded, padded.length, out);
  // The prototype's centre is ≈ taps/2 input samples behind the newest input.
  const delay = Math.round(((r.taps / 2) * APP_SAMPLE_RATE) / wav.sampleRate);
  const length = Math.round((frames * APP_SAMPLE_RATE) / wav.sampleRate);
  return ok(out.slice(delay, Math.min(written, delay + length)));
}

/** Standard base64 alphabet (RFC 4648 §4), with or without the `=` padding. */
const BASE64 = /^[A-Za-z0-9+/]*$/;

/**
 * Decodes the `audio` field of `POST …/play`: base64 of raw PCM16 little-endian, 8000 Hz mono,
 * an even, non-zero number of bytes (rest-api.md).
 */
export function decodeInlinePcm(base64: string): Result<Int16Array> {
  const unpadded = base64.replace(/={1,2}$/, "");
  // RFC 4648 §4: padded text is a multiple of 4; unpadded, a final group of 1 char is impossible.
  const padded = unpadded.length !== base64.length;
  if (!BASE64.test(unpadded) || (padded ? base64.length % 4 !== 0 : unpadded.length % 4 === 1))
    return parseError("audio is not valid base64 (standard alphabet)");
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.fromBase64(unpadded, { lastChunkHandling: "loose" });
  } catch {
    return parseError("audio is not valid base64 (standard alphabet)");
  }
  if (bytes.length === 0) return parseError("audio holds no PCM samples");
  if (bytes.length % 2 !== 0) return parseError("audio PCM16 has an odd number of bytes");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pcm = new Int16Array(bytes.length / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(2 * i, true);
  return ok(pcm);
}
