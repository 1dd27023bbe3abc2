/**
 * Properties of the stream cores under random input (fast-check): the playout queue's mark
 * rule (§6: each mark echoed exactly once, in order, never before the audio queued ahead of
 * it has been pulled, and at the latest on that pull or a clear) and the parsers' promise
 * never to throw on bad remote input (§8).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseClientMessage } from "../../src/stream/client-message.ts";
import { decodeNativeFrame } from "../../src/stream/native-frame.ts";
import { PayloadDecoder } from "../../src/stream/payload-decoder.ts";
import { PlayoutQueue } from "../../src/stream/playout-queue.ts";

type Op =
  | { op: "audio"; samples: number }
  | { op: "mark" }
  | { op: "clear" }
  | { op: "pull" }
  | { op: "pause"; on: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("audio" as const), samples: fc.integer({ min: 1, max: 700 }) }),
  fc.record({ op: fc.constant("mark" as const) }),
  fc.record({ op: fc.constant("clear" as const) }),
  fc.record({ op: fc.constant("pull" as const) }),
  fc.record({ op: fc.constant("pause" as const), on: fc.boolean() }),
);

describe("PlayoutQueue properties (§6)", () => {
  test("echoes every mark once, in order, exactly when its preceding audio is gone", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const echoed: number[] = [];
        const q = new PlayoutQueue({ onMark: (name) => echoed.push(Number(name)), onOverflow() {} }, 5000);
        const out = new Int16Array(160);
        let queued = 0; // model: samples waiting
        let paused = false;
        const pending: { id: number; ahead: number }[] = [];
        let nextId = 0;
        const bytes = new Uint8Array(1400);
        for (const o of ops) {
          if (o.op === "audio") {
            queued += q.appendL16(bytes, 0, o.samples * 2);
          } else if (o.op === "mark") {
            const id = nextId++;
            if (queued === 0) {
              q.mark(String(id));
              expect(echoed.at(-1)).toBe(id);
            } else {
              pending.push({ id, ahead: queued });
              q.mark(String(id));
            }
          } else if (o.op === "clear") {
            q.clear();
            queued = 0;
            pending.length = 0;
          } else if (o.op === "pause") {
            paused = o.on;
            q.setPaused(1, o.on);
          } else {
            const played = q.pull(out);
            expect(played).toBe(!paused && queued > 0);
            if (!paused) {
              const n = Math.min(160, queued);
              queued -= n;
              for (const p of pending) p.ahead -= n;
              while (pending.length > 0 && pending[0]!.ahead <= 0) pending.shift();
            }
          }
          expect(q.queuedSamples).toBe(queued);
          expect(q.pendingMarks).toBe(pending.length);
        }
        expect(echoed).toEqual([...echoed].sort((a, b) => a - b));
        expect(new Set(echoed).size).toBe(echoed.length);
        expect(echoed.length + pending.length).toBe(nextId);
      }),
      { numRuns: 300 },
    );
  });
});

describe("parsers never throw on bad remote input (§8)", () => {
  test("parseClientMessage returns a value for any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
        const r = parseClientMessage(s);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });

  test("decodeNativeFrame accepts exactly 0x01 + u16 N + N bytes with N even and > 0", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const r = decodeNativeFrame(b);
        const n = b.length >= 3 ? (b[1]! << 8) | b[2]! : -1;
        const valid = b.length >= 3 && b[0] === 1 && b.length === 3 + n && n > 0 && n % 2 === 0;
        expect(r.ok).toBe(valid);
      }),
      { numRuns: 3000 },
    );
  });

  test("PayloadDecoder round-trips any bytes and rejects strings that are not base64", () => {
    const d = new PayloadDecoder();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.string({ maxLength: 40 }), (bytes, junk) => {
        const n = d.decode(bytes.toBase64());
        expect(n).toBe(bytes.length);
        expect([...d.bytes.subarray(0, n)]).toEqual([...bytes]);
        let valid = true;
        try {
          Uint8Array.fromBase64(junk);
        } catch {
          valid = false;
        }
        expect(d.decode(junk) >= 0).toBe(valid);
      }),
      { numRuns: 1000 },
    );
  });
});
