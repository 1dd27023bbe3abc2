/** A repeatable `Random` for tests (xorshift32; not for secrets). */
import type { Random } from "../../src/lib/random.ts";

export function seededRandom(seed = 0x12345678): Random {
  let x = seed >>> 0 || 1;
  const nextU32 = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return {
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = nextU32() & 0xff;
      return out;
    },
    int(maxExclusive) {
      return maxExclusive <= 1 ? 0 : nextU32() % maxExclusive;
    },
  };
}
