/**
 * ITU-T G.711 µ-law and A-law as lookup tables: a 256-entry Int16Array per law to decode and
 * a 65536-entry Uint8Array per law to encode, indexed by the 16-bit sample (s & 0xffff).
 *
 * Decoding follows the G.711 expansion tables (Table 1a/2a): µ-law is a biased (33) 8-segment
 * curve with all bits inverted on the wire; A-law is a 13-bit 8-segment curve with the even
 * bits inverted (XOR 0x55). Values are scaled to 16 bits (µ-law ×4, A-law ×8), as ffmpeg does.
 *
 * Encoding picks the nearest reconstruction level, deciding on the 14-bit value s >> 2 with
 * decision thresholds at the rounded midpoints between adjacent levels (G.711 §3/§4 "decision
 * values" lie half way between output values). This equals ffmpeg's pcm_mulaw/pcm_alaw
 * encoders on all 65536 inputs (test/codec/g711.test.ts proves it).
 */

/** Sign-magnitude code 0 (the smallest positive level) on the wire: µ-law inverts every bit. */
const ULAW_POSITIVE_MASK = 0xff;
/** A-law inverts the even bits (0x55) and uses sign bit 1 for positive values. */
const ALAW_POSITIVE_MASK = 0xd5;

function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  // G.711 Table 2a: magnitude = ((2·mantissa + 33) << exponent) − 33, here in 14-bit units ×4.
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  // G.711 Table 1a: segment 0 is linear, segments 1–7 add the implicit leading one (0x20).
  const magnitude = exponent === 0 ? ((mantissa << 1) + 1) << 3 : ((mantissa << 1) + 33) << (exponent + 2);
  return a & 0x80 ? magnitude : -magnitude;
}

function buildDecodeTable(toLinear: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = toLinear(code);
  return table;
}

function buildEncodeTable(decode: Int16Array, positiveMask: number): Uint8Array {
  // thresholds[i]: the smallest |s >> 2| that rounds to level i + 1 rather than level i.
  const thresholds = new Int32Array(127);
  for (let i = 0; i < 127; i++) {
    thresholds[i] = (decode[i ^ positiveMask]! + decode[(i + 1) ^ positiveMask]! + 4) >> 3;
  }
  const table = new Uint8Array(65536);
  for (let s = -32768; s < 32768; s++) {
    const k = s >> 2;
    const magnitude = k < 0 ? -k : k;
    let level = 0;
    while (level < 127 && magnitude >= thresholds[level]!) level++;
    table[s & 0xffff] = k < 0 ? level ^ positiveMask ^ 0x80 : level ^ positiveMask;
  }
  return table;
}

export const ULAW_DECODE: Int16Array = buildDecodeTable(ulawToLinear);
export const ALAW_DECODE: Int16Array = buildDecodeTable(alawToLinear);
export const ULAW_ENCODE: Uint8Array = buildEncodeTable(ULAW_DECODE, ULAW_POSITIVE_MASK);
export const ALAW_ENCODE: Uint8Array = buildEncodeTable(ALAW_DECODE, ALAW_POSITIVE_MASK);
