/**
 * Per-source reception statistics (RFC 3550 Appendix A.1, A.3, A.8): source validation and
 * extended sequence numbers, cumulative/fractional loss for reception report blocks, and the
 * interarrival jitter estimate. Plain mutable state; one instance per remote SSRC.
 */
import { seqNext } from "./sequence.ts";

const RTP_SEQ_MOD = 0x10000;
/** A.1: tolerated jump ahead before a sequence is called a restart. */
const MAX_DROPOUT = 3000;
/** A.1: tolerated misordering behind the highest sequence number. */
const MAX_MISORDER = 100;
/** A.1: sequential packets required before a new source counts as valid. */
const MIN_SEQUENTIAL = 2;

export class ReceiverStats {
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation = MIN_SEQUENTIAL;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit = 0;
  private haveTransit = false;
  /** A.8 jitter in RTP timestamp units, kept as a float (the integer form scales by 16). */
  private jitterTicks = 0;
  private started = false;

  /**
   * A.1 update_seq: feeds one packet's sequence number. Returns false while the source is
   * on probation or when the packet is a wild jump (the caller should discard it).
   */
  updateSeq(seq: number): boolean {
    if (!this.started) {
      this.started = true;
      this.initSeq(seq);
      this.maxSeq = seq - 1;
      this.probation = MIN_SEQUENTIAL;
    }
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      // A.1: a source is valid only after MIN_SEQUENTIAL packets in sequence.
      if (seq === seqNext(this.maxSeq)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          return true;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A.1: a very large jump; two sequential packets mean the other side restarted.
      if (seq === this.badSeq) {
        this.initSeq(seq);
      } else {
        this.badSeq = seqNext(seq);
        return false;
      }
    }
    // else: duplicate or reordered packet, counted but does not move maxSeq.
    this.received++;
    return true;
  }

  /**
   * A.8: `arrival` is the arrival time converted to RTP timestamp units of this stream's
   * clock; J += (|D| − J) / 16.
   */
  updateJitter(arrival: number, rtpTimestamp: number): void {
    const transit = arrival - rtpTimestamp;
    if (this.haveTransit) {
      // Differences taken modulo 2^32 so timestamp wrap does not look like a huge jump.
      let d = transit - this.transit;
      d = ((d % 0x100000000) + 0x100000000) % 0x100000000;
      if (d >= 0x80000000) d -= 0x100000000;
      this.jitterTicks += (Math.abs(d) - this.jitterTicks) / 16;
    }
    this.transit = transit;
    this.haveTransit = true;
  }

  /** A.8 interarrival jitter in timestamp units, rounded as carried in a report block. */
  get jitter(): number {
    return Math.round(this.jitterTicks);
  }

  get extendedHighestSeq(): number {
    return (this.cycles + this.maxSeq) >>> 0;
  }

  get packetsReceived(): number {
    return this.received;
  }

  /** A.3: expected = extended max − base + 1. */
  get expected(): number {
    return this.cycles + this.maxSeq - this.baseSeq + 1;
  }

  /** A.3 cumulative lost, clamped to the 24-bit signed field of a report block. */
  get cumulativeLost(): number {
    const lost = this.expected - this.received;
    return Math.max(-0x800000, Math.min(0x7fffff, lost));
  }

  /**
   * A.3 fraction lost since the previous call, as the 8-bit fixed-point value of a report
   * block (lost/expected × 256); resets the interval.
   */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.floor((lostInterval << 8) / expectedInterval);
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }
}
