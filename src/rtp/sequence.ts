/**
 * Modular arithmetic on RTP sequence numbers (16 bit) and timestamps (32 bit), RFC 3550 §5.1
 * and Appendix A.1: comparisons are made on the signed distance so they survive wrap-around.
 */

/** Signed distance b − a in sequence space, in [−32768, 32767]. */
export function seqDelta(a: number, b: number): number {
  return (((b - a) & 0xffff) << 16) >> 16;
}

/** True when `a` precedes `b` modulo 2^16. */
export function seqBefore(a: number, b: number): boolean {
  return seqDelta(a, b) > 0;
}

export function seqNext(a: number): number {
  return (a + 1) & 0xffff;
}

/** Signed distance b − a in timestamp space (32-bit wrap). */
export function timestampDelta(a: number, b: number): number {
  return (b - a) | 0;
}

export function timestampAdd(a: number, ticks: number): number {
  return (a + ticks) >>> 0;
}
