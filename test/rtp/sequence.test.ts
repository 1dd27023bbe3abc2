import { describe, expect, test } from "bun:test";
import { seqBefore, seqDelta, seqNext, timestampAdd, timestampDelta } from "../../src/rtp/sequence.ts";

describe("sequence and timestamp wrap arithmetic (RFC 3550 §5.1)", () => {
  test("65535 is immediately before 0", () => {
    expect(seqDelta(65535, 0)).toBe(1);
    expect(seqBefore(65535, 0)).toBe(true);
    expect(seqBefore(0, 65535)).toBe(false);
    expect(seqNext(65535)).toBe(0);
  });

  test("distances are signed within half the sequence space", () => {
    expect(seqDelta(10, 5)).toBe(-5);
    expect(seqDelta(0, 32767)).toBe(32767);
    expect(seqDelta(0, 32768)).toBe(-32768);
  });

  test("timestamps wrap at 2^32", () => {
    expect(timestampDelta(0xffffff00, 0x60)).toBe(0x160);
    expect(timestampAdd(0xffffffff, 160)).toBe(159);
    expect(timestampDelta(160, 0)).toBe(-160);
  });
});
