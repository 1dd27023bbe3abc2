import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decodeRtcpCompound } from "../../src/rtp/rtcp.ts";
import { createRtpView, decodeRtp, encodeRtp, rtpHeaderLength } from "../../src/rtp/rtp-packet.ts";

describe("RTP/RTCP decoding properties", () => {
  test("decodeRtp and decodeRtcpCompound never throw on arbitrary bytes", () => {
    const view = createRtpView();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = decodeRtp(bytes, bytes.length, view);
        if (r === undefined) {
          expect(view.payloadOffset + view.payloadLength + view.paddingLength).toBe(bytes.length);
          expect(rtpHeaderLength(bytes, bytes.length)).toBe(view.payloadOffset);
        }
        decodeRtcpCompound(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  test("encode then decode returns every field", () => {
    const view = createRtpView();
    fc.assert(
      fc.property(
        fc.record({
          marker: fc.boolean(),
          payloadType: fc.integer({ min: 0, max: 127 }),
          sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
          timestamp: fc.integer({ min: 0, max: 0xffffffff }),
          ssrc: fc.integer({ min: 0, max: 0xffffffff }),
          csrc: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
          padding: fc.integer({ min: 0, max: 255 }),
          payload: fc.uint8Array({ maxLength: 300 }),
        }),
        (p) => {
          const fields = { ...p, ...(p.padding === 0 ? { padding: undefined } : {}) };
          const bytes = encodeRtp(fields);
          expect(decodeRtp(bytes, bytes.length, view)).toBeUndefined();
          expect(view.marker).toBe(p.marker);
          expect(view.payloadType).toBe(p.payloadType);
          expect(view.sequenceNumber).toBe(p.sequenceNumber);
          expect(view.timestamp).toBe(p.timestamp);
          expect(view.ssrc).toBe(p.ssrc);
          expect(Array.from(view.csrc.subarray(0, view.csrcCount))).toEqual(p.csrc);
          expect(view.paddingLength).toBe(p.padding);
          expect(bytes.subarray(view.payloadOffset, view.payloadOffset + view.payloadLength)).toEqual(
            p.payload,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
