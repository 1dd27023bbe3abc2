import { describe, expect, test } from "bun:test";
import {
  decodeRtcpCompound,
  encodeRtcpCompound,
  ntpFromUnixMs,
  ntpMiddle32,
  type RtcpPacket,
} from "../../src/rtp/rtcp.ts";

const report = {
  ssrc: 0x11223344,
  fractionLost: 25,
  cumulativeLost: -3,
  extendedHighestSeq: 70000,
  jitter: 12,
  lastSr: 0xabcd1234,
  delaySinceLastSr: 65536,
};

describe("RTCP compound packets (RFC 3550 §6.4–§6.6)", () => {
  test("SR + SDES CNAME + BYE round-trip", () => {
    const packets: RtcpPacket[] = [
      {
        type: "sr",
        ssrc: 0xdeadbeef,
        sender: {
          ntpSeconds: 3900000000,
          ntpFraction: 0x80000000,
          rtpTimestamp: 160,
          packetCount: 50,
          octetCount: 8000,
        },
        reports: [report],
      },
      { type: "sdes", chunks: [{ ssrc: 0xdeadbeef, cname: "xbridge@127.0.0.1" }] },
      { type: "bye", ssrcs: [0xdeadbeef], reason: "call ended" },
    ];
    const bytes = encodeRtcpCompound(packets);
    expect(bytes.length % 4).toBe(0);
    const r = decodeRtcpCompound(bytes);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toEqual(packets);
  });

  test("RR with no report blocks is 8 bytes and decodes", () => {
    const bytes = encodeRtcpCompound([{ type: "rr", ssrc: 5, reports: [] }]);
    expect(bytes.length).toBe(8);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x80, 201, 0, 1]);
    const r = decodeRtcpCompound(bytes);
    expect(r.ok && r.value[0]).toEqual({ type: "rr", ssrc: 5, reports: [] });
  });

  test("rejects a compound that does not start with SR/RR, or lies about its length", () => {
    const sdesFirst = encodeRtcpCompound([{ type: "sdes", chunks: [{ ssrc: 1, cname: "a" }] }]);
    expect(decodeRtcpCompound(sdesFirst).ok).toBe(false);
    const rr = encodeRtcpCompound([{ type: "rr", ssrc: 5, reports: [report] }]);
    expect(decodeRtcpCompound(rr.subarray(0, rr.length - 4)).ok).toBe(false);
    const bad = rr.slice();
    bad[0] = 0x40;
    const r = decodeRtcpCompound(bad);
    expect(!r.ok && r.error.reason).toBe("RTCP version is not 2");
  });

  test("NTP conversion puts the Unix epoch at 2208988800 s and LSR takes the middle bits", () => {
    const t = ntpFromUnixMs(1500);
    expect(t.ntpSeconds).toBe(2208988801);
    expect(t.ntpFraction).toBe(0x80000000);
    expect(ntpMiddle32(0x12345678, 0x9abcdef0)).toBe(0x56789abc);
  });
});
