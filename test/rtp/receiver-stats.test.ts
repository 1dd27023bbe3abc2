import { describe, expect, test } from "bun:test";
import { ReceiverStats } from "../../src/rtp/receiver-stats.ts";

function feed(s: ReceiverStats, seqs: number[]): boolean[] {
  return seqs.map((q) => s.updateSeq(q));
}

describe("receiver statistics (RFC 3550 A.1, A.3, A.8)", () => {
  test("a new source is on probation until two sequential packets arrive", () => {
    const s = new ReceiverStats();
    expect(feed(s, [100, 101, 102])).toEqual([false, true, true]);
    expect(s.packetsReceived).toBe(2);
    expect(s.expected).toBe(2);
  });

  test("extended highest sequence number counts cycles across the wrap", () => {
    const s = new ReceiverStats();
    feed(s, [65533, 65534, 65535, 0, 1]);
    expect(s.extendedHighestSeq).toBe(65536 + 1);
    expect(s.cumulativeLost).toBe(0);
  });

  test("cumulative and fractional loss follow A.3", () => {
    const s = new ReceiverStats();
    feed(s, [1, 2, 3, 5, 6, 9, 10]);
    // expected 2..10 = 9, received 6 (probation consumed seq 1)
    expect(s.expected).toBe(9);
    expect(s.cumulativeLost).toBe(3);
    expect(s.takeFractionLost()).toBe(Math.floor((3 * 256) / 9));
    feed(s, [11, 12]);
    expect(s.takeFractionLost()).toBe(0);
  });

  test("a huge jump is discarded once and accepted as a restart when sequential", () => {
    const s = new ReceiverStats();
    feed(s, [10, 11, 12]);
    expect(s.updateSeq(40000)).toBe(false);
    expect(s.updateSeq(40001)).toBe(true);
    expect(s.extendedHighestSeq).toBe(40001);
  });

  test("jitter converges to the mean absolute transit difference (A.8)", () => {
    const s = new ReceiverStats();
    // Packets every 160 ticks; arrivals alternate 0 and +80 ticks late → |D| = 80 each time.
    for (let i = 0; i < 400; i++) s.updateJitter(i * 160 + (i % 2) * 80, i * 160);
    expect(s.jitter).toBeGreaterThan(75);
    expect(s.jitter).toBeLessThanOrEqual(80);
    const steady = new ReceiverStats();
    for (let i = 0; i < 50; i++) steady.updateJitter(1000 + i * 160, i * 160);
    expect(steady.jitter).toBe(0);
  });
});
