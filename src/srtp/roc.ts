/**
 * Rollover counter estimation (RFC 3711 §3.3.1 and Appendix A): from the 16-bit sequence
 * number of a packet and the receiver's (ROC, s_l), guess the ROC the sender used.
 */

export interface RocState {
  /** Rollover counter: how many times the 16-bit sequence number wrapped (32 bits). */
  roc: number;
  /** s_l: highest sequence number received (authenticated) so far. */
  highestSeq: number;
}

/** Appendix A: returns v, the estimated ROC for `seq` (ROC − 1, ROC or ROC + 1). */
export function estimateIndex(s: RocState, seq: number): number {
  if (s.highestSeq < 32768) {
    return seq - s.highestSeq > 32768 ? s.roc - 1 : s.roc;
  }
  return s.highestSeq - 32768 > seq ? s.roc + 1 : s.roc;
}
