import { describe, expect, test } from "bun:test";
import { createRtpView, decodeRtp, encodeRtp, writeRtpHeader } from "../../src/rtp/rtp-packet.ts";

describe("RTP header (RFC 3550 §5.1)", () => {
  test("decodes the fixed header of a PCMU packet captured from a softphone", () => {
    // V=2, M=1, PT=0, seq 0x1234, ts 0xdeadbeef, ssrc 0x01020304, 3 payload bytes.
    const bytes = new Uint8Array([
      0x80, 0x80, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0xff, 0x7f, 0x00,
    ]);
    const v = createRtpView();
    expect(decodeRtp(bytes, bytes.length, v)).toBeUndefined();
    expect(v.marker).toBe(true);
    expect(v.payloadType).toBe(0);
    expect(v.sequenceNumber).toBe(0x1234);
    expect(v.timestamp).toBe(0xdeadbeef);
    expect(v.ssrc).toBe(0x01020304);
    expect(v.payloadOffset).toBe(12);
    expect(v.payloadLength).toBe(3);
  });

  test("round-trips CSRC list, header extension and padding", () => {
    const payload = new Uint8Array([1, 2, 3, 4, 5]);
    const bytes = encodeRtp({
      payloadType: 101,
      sequenceNumber: 65535,
      timestamp: 0xffffffff,
      ssrc: 0xcafebabe,
      marker: false,
      csrc: [7, 0x80000000],
      extension: { profile: 0xbede, data: new Uint8Array([0x10, 0xaa, 0, 0]) },
      padding: 3,
      payload,
    });
    const v = createRtpView();
    expect(decodeRtp(bytes, bytes.length, v)).toBeUndefined();
    expect(v.payloadType).toBe(101);
    expect(v.sequenceNumber).toBe(65535);
    expect(v.timestamp).toBe(0xffffffff);
    expect(v.ssrc).toBe(0xcafebabe);
    expect(v.csrcCount).toBe(2);
    expect(Array.from(v.csrc.subarray(0, 2))).toEqual([7, 0x80000000]);
    expect(v.hasExtension).toBe(true);
    expect(v.extensionProfile).toBe(0xbede);
    expect(Array.from(bytes.subarray(v.extensionOffset, v.extensionOffset + v.extensionLength))).toEqual([
      0x10, 0xaa, 0, 0,
    ]);
    expect(v.paddingLength).toBe(3);
    expect(Array.from(bytes.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength))).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  test("rejects truncated packets, wrong versions, overlong CSRC, extension and padding", () => {
    const v = createRtpView();
    expect(decodeRtp(new Uint8Array(11), 11, v)).toBe("too short for the RTP fixed header");
    const v1 = new Uint8Array(12);
    v1[0] = 0x40;
    expect(decodeRtp(v1, 12, v)).toBe("version is not 2");
    const cc = new Uint8Array(16);
    cc[0] = 0x82;
    expect(decodeRtp(cc, 16, v)).toBe("CSRC list runs past the end");
    const ext = new Uint8Array(16);
    ext[0] = 0x90;
    ext[14] = 0;
    ext[15] = 2;
    expect(decodeRtp(ext, 16, v)).toBe("header extension runs past the end");
    const pad = new Uint8Array(14);
    pad[0] = 0xa0;
    pad[13] = 9;
    expect(decodeRtp(pad, 14, v)).toBe("padding length is invalid");
    pad[13] = 0;
    expect(decodeRtp(pad, 14, v)).toBe("padding length is invalid");
  });

  test("decodes only the first `length` bytes of a larger receive buffer", () => {
    const buf = new Uint8Array(1500).fill(0xee);
    const n = writeRtpHeader(buf, 8, false, 1, 160, 42);
    buf.set([9, 9], n);
    const v = createRtpView();
    expect(decodeRtp(buf, n + 2, v)).toBeUndefined();
    expect(v.payloadType).toBe(8);
    expect(v.payloadLength).toBe(2);
  });
});
