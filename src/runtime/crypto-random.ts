/**
 * IO adapter: the `Random` port backed by the platform CSPRNG (nonces, tags, SRTP keys).
 */
import type { Random } from "../lib/random.ts";

export const cryptoRandom: Random = {
  bytes(n) {
    return crypto.getRandomValues(new Uint8Array(n));
  },
  int(maxExclusive) {
    if (maxExclusive <= 1) return 0;
    // Rejection sampling keeps the distribution uniform.
    const limit = Math.floor(0x1_0000_0000 / maxExclusive) * maxExclusive;
    const buf = new Uint32Array(1);
    for (;;) {
      crypto.getRandomValues(buf);
      if (buf[0]! < limit) return buf[0]! % maxExclusive;
    }
  },
};
