import { describe, expect, test } from "bun:test";
import { JitterBuffer, type JitterFrame } from "../../src/rtp/jitter-buffer.ts";

function frame(): JitterFrame {
  return { sequenceNumber: 0, timestamp: 0, marker: false, payload: new Uint8Array(0) };
}

function payload(seq: number): Uint8Array {
  return new Uint8Array(160).fill(seq & 0xff);
}

/** Pops everything due at `now`, returning "seq" for packets and "-seq" for gaps. */
function drain(jb: JitterBuffer, now: number): string[] {
  const out: string[] = [];
  const f = frame();
  for (;;) {
    const r = jb.pop(now, f);
    if (r === "none") return out;
    out.push(r === "packet" ? `${f.sequenceNumber}` : `-${f.sequenceNumber}`);
    if (r === "packet") expect(f.payload[0]).toBe(f.sequenceNumber & 0xff);
  }
}

describe("jitter buffer", () => {
  test("holds packets for the 50 ms target before releasing them", () => {
    const jb = new JitterBuffer({ clockRate: 8000 });
    jb.insert(1, 160, true, payload(1), 0, 160, 0);
    expect(drain(jb, 49)).toEqual([]);
    expect(drain(jb, 50)).toEqual(["1"]);
  });

  test("reorders packets that arrive out of order within the delay", () => {
    const jb = new JitterBuffer({ clockRate: 8000 });
    jb.insert(10, 0, false, payload(10), 0, 160, 0);
    jb.insert(12, 320, false, payload(12), 0, 160, 21);
    jb.insert(11, 160, false, payload(11), 0, 160, 30);
    expect(drain(jb, 100)).toEqual(["10", "11", "12"]);
  });

  test("reports a missing packet once the following one is due, and drops it if it comes late", () => {
    const jb = new JitterBuffer({ clockRate: 8000 });
    jb.insert(1, 0, false, payload(1), 0, 160, 0);
    jb.insert(3, 320, false, payload(3), 0, 160, 40);
    expect(drain(jb, 75)).toEqual(["1"]);
    expect(drain(jb, 90)).toEqual(["-2", "3"]);
    expect(jb.insert(2, 160, false, payload(2), 0, 160, 95)).toBe("late");
    expect(jb.stats().missing).toBe(1);
    expect(jb.stats().late).toBe(1);
  });

  test("drops duplicates", () => {
    const jb = new JitterBuffer({ clockRate: 8000 });
    expect(jb.insert(5, 0, false, payload(5), 0, 160, 0)).toBe("buffered");
    expect(jb.insert(5, 0, false, payload(5), 0, 160, 1)).toBe("duplicate");
    expect(drain(jb, 60)).toEqual(["5"]);
  });

  test("plays straight across the 16-bit sequence wrap", () => {
    const jb = new JitterBuffer({ clockRate: 8000 });
    const seqs = [65534, 65535, 0, 1];
    seqs.forEach((s, i) => {
      jb.insert(s, i * 160, false, payload(s), 0, 160, i * 20);
    });
    expect(drain(jb, 200)).toEqual(["65534", "65535", "0", "1"]);
  });

  test("stays bounded: a jump beyond the ring restarts from the new packet", () => {
    const jb = new JitterBuffer({ clockRate: 8000, capacity: 16 });
    for (let i = 0; i < 10; i++) jb.insert(i, i * 160, false, payload(i), 0, 160, 0);
    expect(jb.insert(1000, 10000, false, payload(1000), 0, 160, 5)).toBe("buffered");
    expect(jb.size).toBe(1);
    expect(drain(jb, 1000)).toEqual(["1000"]);
  });

  test("adapts the target delay to measured jitter at the next talkspurt", () => {
    const jb = new JitterBuffer({ clockRate: 8000, maxDelayMs: 300 });
    // 200 packets with ±30 ms arrival jitter.
    let t = 0;
    for (let i = 0; i < 200; i++) {
      t = i * 20 + (i % 2) * 30;
      jb.insert(i, i * 160, false, payload(i), 0, 160, t);
      drain(jb, t);
    }
    expect(jb.stats().jitterMs).toBeGreaterThan(20);
    drain(jb, t + 1000);
    // New talkspurt after silence: the delay grows to cover the jitter.
    jb.insert(200, 200 * 160 + 8000, true, payload(200), 0, 160, t + 2000);
    expect(jb.stats().targetDelayMs).toBeGreaterThan(80);
    expect(drain(jb, t + 2050)).toEqual([]);
  });

  test("refuses a payload larger than its slots", () => {
    const jb = new JitterBuffer({ clockRate: 8000, maxPayloadBytes: 100 });
    expect(jb.insert(1, 0, false, new Uint8Array(101), 0, 101, 0)).toBe("too-large");
  });

  test("keeps latency bounded when the sender's clock runs 1% fast for ten minutes", () => {
    const jb = new JitterBuffer({ clockRate: 8000 });
    const f = frame();
    let played = 0;
    let maxSize = 0;
    let maxBufferedMs = 0;
    // 30000 packets of 20 ms of media, sent every 19.8 ms of our time.
    for (let i = 0; i < 30_000; i++) {
      const now = i * 19.8;
      jb.insert(i & 0xffff, i * 160, false, payload(i), 0, 160, now);
      maxSize = Math.max(maxSize, jb.size);
      for (let r = jb.pop(now, f); r !== "none"; r = jb.pop(now, f)) if (r === "packet") played++;
      maxBufferedMs = Math.max(maxBufferedMs, jb.size * 20);
    }
    expect(played).toBeGreaterThan(29_900);
    expect(maxSize).toBeLessThanOrEqual(16);
    // Buffered audio never exceeds delay + ceiling (50 + 200 ms) by more than a frame.
    expect(maxBufferedMs).toBeLessThanOrEqual(270);
  });
});
