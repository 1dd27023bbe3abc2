/**
 * Randomness port (DESIGN.md rule 1): tags, branches, nonces, SSRCs and keys come from an
 * injected source so tests are repeatable. The crypto-backed implementation is in `src/runtime/`.
 */
export interface Random {
  /** `n` cryptographically strong random bytes. */
  bytes(n: number): Uint8Array;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

const HEX = "0123456789abcdef";

/** Lowercase hex string of `nBytes` random bytes (e.g. 16 → 32 hex digits). */
export function randomHex(random: Random, nBytes: number): string {
  const b = random.bytes(nBytes);
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return s;
}

/** Unsigned 32-bit random integer (SSRC, initial timestamps). */
export function randomU32(random: Random): number {
  const b = random.bytes(4);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}
