import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { utf8 } from "../../../src/lib/bytes.ts";
import { StreamFramer } from "../../../src/sip/transport/stream-framer.ts";

const MSG = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: 3\r\n\r\nabc";

describe("stream framer on arbitrary bytes (DESIGN.md rule 2)", () => {
  test("never throws, stays within its buffer bound, and stops after its one error", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 40 }), (chunks) => {
        const f = new StreamFramer();
        let errors = 0;
        for (const c of chunks) {
          for (const out of f.push(c)) if (out.kind === "error") errors++;
          expect(f.buffered).toBeLessThanOrEqual(2 * 65536);
        }
        expect(errors).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  test("any split of valid messages yields exactly those messages", () => {
    const stream = utf8(`${MSG}\r\n\r\n${MSG}${MSG}`);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }),
        (cuts) => {
          const points = [0, ...cuts.sort((x, y) => x - y), stream.length];
          const f = new StreamFramer();
          const kinds: string[] = [];
          for (let i = 0; i + 1 < points.length; i++) {
            for (const out of f.push(stream.subarray(points[i]!, points[i + 1]!))) kinds.push(out.kind);
          }
          expect(kinds).toEqual(["message", "ping", "message", "message"]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
