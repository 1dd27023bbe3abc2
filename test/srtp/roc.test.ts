import { describe, expect, test } from "bun:test";
import { estimateIndex } from "../../src/srtp/roc.ts";

describe("ROC estimation (RFC 3711 §3.3.1, Appendix A)", () => {
  test("keeps the ROC for packets near the highest sequence number", () => {
    expect(estimateIndex({ roc: 3, highestSeq: 1000 }, 1001)).toBe(3);
    expect(estimateIndex({ roc: 3, highestSeq: 1000 }, 990)).toBe(3);
    expect(estimateIndex({ roc: 3, highestSeq: 40000 }, 39000)).toBe(3);
  });

  test("guesses ROC + 1 when the sequence number wrapped past 65535", () => {
    expect(estimateIndex({ roc: 3, highestSeq: 65530 }, 2)).toBe(4);
    expect(estimateIndex({ roc: 0, highestSeq: 40000 }, 100)).toBe(1);
  });

  test("guesses ROC − 1 for a late packet from before the wrap", () => {
    expect(estimateIndex({ roc: 4, highestSeq: 3 }, 65534)).toBe(3);
    expect(estimateIndex({ roc: 1, highestSeq: 100 }, 40000)).toBe(0);
  });
});
