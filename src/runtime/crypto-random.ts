/**
 * IO adapter: the `Random` port backed by the platform CSPRNG (nonces, tags, SRTP keys).
 */
import type { Random } from "../lib/random.ts";

/** Web Crypto fills at most 65 536 bytes per `getRandomValues` call (it throws past that). */
const MAX_FILL_BYTES = 65_536;
const TWO_POW_32 = 0x1_0000_0000;

function fill(out: Uint8Array): Uint8Array {
  for (let at = 0; at < out.length; at += MAX_FILL_BYTES) {
    crypto.getRandomValues(out.subarray(at, at + MAX_FILL_BYTES));
  }
  return out;
}

export const cryptoRandom: Random = {
  bytes(n) {
    return fill(new Uint8Array(n));
  },
  int(maxExclusive) {
    const max = Math.floor(maxExclusive);
    // `!(max > 1)` also catches NaN: there is only one value to return.
    if (!(max > 1)) return 0;
    const buf = new Uint32Array(2);
    if (max > TWO_POW_32) {
      // Past 2^32 the rejection bound below would be 0 (an endless loop); 53 random bits
      // scaled to the range are uniform to within 2^-53 × max.
      crypto.getRandomValues(buf);
      const u53 = (buf[0]! >>> 5) * 0x400_0000 + (buf[1]! >>> 6); // 27 + 26 bits
      return Math.floor((u53 / 2 ** 53) * max);
    }
    // Rejection sampling keeps the distribution uniform.
    const limit = Math.floor(TWO_POW_32 / max) * max;
    for (;;) {
      crypto.getRandomValues(buf);
      if (buf[0]! < limit) return buf[0]! % max;
    }
  },
};
