/**
 * The global token bucket of spec/rest-api.md §1.3: capacity 2 × rate, starts full, refills
 * continuously at `rate` tokens per second, one token per request. Pure: time comes in as
 * monotonic milliseconds.
 */
export class TokenBucket {
  private readonly capacity: number;
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    now: number,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`rate must be a positive number, got ${ratePerSecond}`);
    }
    this.capacity = 2 * ratePerSecond;
    this.tokens = this.capacity;
    this.last = now;
  }

  /** Takes one token if there is one; false means the request is over the rate. */
  take(now: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
