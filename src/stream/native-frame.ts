/**
 * Native-mode binary audio frames (spec/websocket.md §5), both directions:
 *
 * ```
 *  0        1        2        3 ...
 * +--------+--------+--------+------------------------------+
 * |  0x01  |  N (u16, big-endian)  | N bytes PCM16 LE, 8 kHz  |
 * +--------+--------+--------+------------------------------+
 * ```
 *
 * Server → client frames carry one 20 ms frame (N = 320, 323 bytes in all). Client frames
 * may carry any even N in 2…65534; the message must be exactly 3 + N bytes (§8: anything else
 * is ignored, trailing bytes are not cut off).
 */
import { FRAME_SAMPLES } from "../codec/types.ts";
import { err, ok, type Result } from "../lib/result.ts";

const NATIVE_AUDIO_TAG = 0x01;
export const NATIVE_HEADER_BYTES = 3;
/** 323: one outbound 20 ms frame. */
export const NATIVE_FRAME_BYTES = NATIVE_HEADER_BYTES + FRAME_SAMPLES * 2;

/** Checks a client frame; on success the PCM16 LE payload is `bytes[3 .. 3 + N)`, N returned. */
export function decodeNativeFrame(bytes: Uint8Array): Result<number, string> {
  if (bytes.length < NATIVE_HEADER_BYTES) return err("shorter than 3 bytes");
  if (bytes[0] !== NATIVE_AUDIO_TAG) return err("tag is not 0x01");
  const n = (bytes[1]! << 8) | bytes[2]!;
  if (bytes.length !== NATIVE_HEADER_BYTES + n) return err("length field does not match the frame size");
  if (n === 0 || (n & 1) !== 0) return err("payload length is zero or odd");
  return ok(n);
}

/** Writes one 160-sample frame into `out` (≥ 323 bytes) as a native audio frame. */
export function encodeNativeFrame(frame: Int16Array, out: Uint8Array): void {
  const n = FRAME_SAMPLES * 2;
  out[0] = NATIVE_AUDIO_TAG;
  out[1] = n >> 8;
  out[2] = n & 0xff;
  writeL16(frame, out, NATIVE_HEADER_BYTES);
}

/** PCM16 samples → little-endian bytes at `offset` (explicit byte order, whatever the host). */
export function writeL16(frame: Int16Array, out: Uint8Array, offset: number): void {
  for (let i = 0, p = offset; i < FRAME_SAMPLES; i++, p += 2) {
    const s = frame[i]!;
    out[p] = s & 0xff;
    out[p + 1] = (s >> 8) & 0xff;
  }
}
