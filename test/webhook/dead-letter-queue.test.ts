import { describe, expect, test } from "bun:test";
import { type DeadLetterEntry, DeadLetterQueue } from "../../src/webhook/dead-letter-queue.ts";

function entry(n: number): DeadLetterEntry {
  return {
    event: { event: "call.dtmf", call_id: `CA${n}`, digit: "1", timestamp: "2026-01-01T00:00:00.000Z" },
    url: "http://127.0.0.1:3000/events",
    error: "HTTP 500",
    attempts: 2,
    timestamp: "2026-01-01T00:00:00Z",
  };
}

describe("dead-letter queue (webhooks.md §5)", () => {
  test("keeps 1000 entries and evicts the oldest on the 1001st", () => {
    const lengths: number[] = [];
    const dlq = new DeadLetterQueue({ onLength: (n) => lengths.push(n) });
    for (let i = 0; i < 1000; i++) expect(dlq.push(entry(i))).toBeUndefined();
    expect(dlq.push(entry(1000))?.event.call_id).toBe("CA0");
    const list = dlq.list();
    expect(list.length).toBe(1000);
    expect(list[0]!.event.call_id).toBe("CA1");
    expect(list[999]!.event.call_id).toBe("CA1000");
    expect(lengths.at(-1)).toBe(1000);
  });

  test("lists oldest first without removing, and the list is a copy", () => {
    const dlq = new DeadLetterQueue();
    dlq.push(entry(1));
    dlq.push(entry(2));
    const first = dlq.list();
    first.pop();
    expect(dlq.list().map((e) => e.event.call_id)).toEqual(["CA1", "CA2"]);
    expect(dlq.length).toBe(2);
  });

  test("drain empties the queue, returns the count and reports length 0", () => {
    const lengths: number[] = [];
    const dlq = new DeadLetterQueue({ onLength: (n) => lengths.push(n) });
    dlq.push(entry(1));
    dlq.push(entry(2));
    expect(dlq.drain()).toBe(2);
    expect(dlq.list()).toEqual([]);
    expect(lengths).toEqual([1, 2, 0]);
    expect(dlq.drain()).toBe(0);
  });
});
