/**
 * Replay protection (RFC 3711 §3.3.2): a sliding window of the last 64 packet indices
 * (the minimum the RFC allows, §3.3.2 "SRTP_WINDOW_SIZE ... MUST be at least 64") in a
 * 64-bit bitmap kept as two 32-bit words. Indices are SRTP's 48-bit i or SRTCP's 31-bit
 * index; both fit exactly in a double.
 */

export const REPLAY_WINDOW_SIZE = 64;

export class ReplayWindow {
  private highest = -1;
  /** Bit k set = index (highest − k) was received. lo: k 0–31, hi: k 32–63. */
  private lo = 0;
  private hi = 0;

  /** True when `index` is new and not older than the window (check before authenticating). */
  check(index: number): boolean {
    if (this.highest < 0 || index > this.highest) return true;
    const delta = this.highest - index;
    if (delta >= REPLAY_WINDOW_SIZE) return false;
    return delta < 32 ? (this.lo & (1 << delta)) === 0 : (this.hi & (1 << (delta - 32))) === 0;
  }

  /** Records an authenticated index (§3.3.2: update only after the auth tag verified). */
  accept(index: number): void {
    if (index > this.highest) {
      const shift = this.highest < 0 ? REPLAY_WINDOW_SIZE : index - this.highest;
      if (shift >= REPLAY_WINDOW_SIZE) {
        this.lo = 0;
        this.hi = 0;
      } else if (shift >= 32) {
        this.hi = this.lo << (shift - 32);
        this.lo = 0;
      } else {
        this.hi = (this.hi << shift) | (this.lo >>> (32 - shift));
        this.lo <<= shift;
      }
      this.lo |= 1;
      this.highest = index;
      return;
    }
    const delta = this.highest - index;
    if (delta < 32) this.lo |= 1 << delta;
    else if (delta < REPLAY_WINDOW_SIZE) this.hi |= 1 << (delta - 32);
  }

  /** Highest index accepted so far, −1 before the first. */
  get highestIndex(): number {
    return this.highest;
  }
}
