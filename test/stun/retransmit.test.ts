import { describe, expect, test } from "bun:test";
import { stunRetransmitSchedule } from "../../src/stun/index.ts";

describe("STUN retransmission schedule (RFC 8489 §6.2.1)", () => {
  test("defaults give the RFC's example: sends at 0…31500 ms, failure at 39500 ms", () => {
    expect(stunRetransmitSchedule()).toEqual({
      sendAtMs: [0, 500, 1500, 3500, 7500, 15500, 31500],
      giveUpAtMs: 39500,
    });
  });

  test("a shorter RTO and Rc scale the schedule; the final wait is Rm × RTO", () => {
    expect(stunRetransmitSchedule({ rtoMs: 100, rc: 3, rm: 4 })).toEqual({
      sendAtMs: [0, 100, 300],
      giveUpAtMs: 700,
    });
  });

  test("nonsense options are clamped so the schedule stays bounded", () => {
    const s = stunRetransmitSchedule({ rtoMs: 0, rc: 1e9, rm: -1 });
    expect(s.sendAtMs.length).toBe(16);
    expect(stunRetransmitSchedule({ rc: 0 }).sendAtMs).toEqual([0]);
  });
});
