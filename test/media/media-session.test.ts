/**
 * RtpMediaSession driven by a ManualClock and fake UDP senders (no sockets, no sleeping):
 * RTCP cadence and contents, media timeout at 30 s and its suspension on hold, BYE on close,
 * and muted/recvonly sending rules.
 */
import { describe, expect, test } from "bun:test";
import { pcmuCodec } from "../../src/codec/g711.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { MediaClock } from "../../src/media/media-clock.ts";
import { RtpMediaSession } from "../../src/media/media-session.ts";
import type { MediaParams } from "../../src/media/types.ts";
import { decodeRtcpCompound, encodeRtcpCompound, type RtcpPacket } from "../../src/rtp/rtcp.ts";
import { createRtpView, decodeRtp, encodeRtp } from "../../src/rtp/rtp-packet.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { seededRandom } from "../support/seeded-random.ts";

interface Sent {
  data: Uint8Array;
  port: number;
  address: string;
}

function harness() {
  const clock = new ManualClock(0);
  const rtp: Sent[] = [];
  const rtcp: Sent[] = [];
  let released = 0;
  const session = new RtpMediaSession({
    localAddress: "127.0.0.1",
    localPort: 30000,
    rtp: { send: (data, port, address) => rtp.push({ data: data.slice(), port, address }) > 0 },
    rtcp: { send: (data, port, address) => rtcp.push({ data: data.slice(), port, address }) > 0 },
    clock,
    mediaClock: new MediaClock(clock, clock),
    random: seededRandom(7),
    resolveCodec: (n) => (n === "pcmu" ? pcmuCodec : undefined),
    cname: "test@127.0.0.1",
    logger: nullLogger,
    release: () => released++,
  });
  return { clock, rtp, rtcp, session, released: () => released };
}

const params: MediaParams = { codec: "pcmu", payloadType: 0, remote: { address: "127.0.0.2", port: 40000 } };

function rtcpPackets(s: Sent): RtcpPacket[] {
  const r = decodeRtcpCompound(s.data);
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
}

function inbound(seq: number): Uint8Array {
  return encodeRtp({
    payloadType: 0,
    sequenceNumber: seq,
    timestamp: seq * 160,
    ssrc: 0xfeed,
    payload: new Uint8Array(160).fill(0xff),
  });
}

describe("RTP media session (manual clock)", () => {
  test("sends one RTP packet per 20 ms tick to the SDP address before any packet arrives", () => {
    const h = harness();
    h.session.start(params);
    h.clock.advance(200);
    expect(h.rtp.length).toBe(10);
    expect(h.rtp.every((s) => s.port === 40000 && s.address === "127.0.0.2")).toBe(true);
  });

  test("sends an SR with SDES CNAME on RTP+1 every 5 s, carrying packet and octet counts", () => {
    const h = harness();
    h.session.start(params);
    h.clock.advance(5000);
    expect(h.rtcp.length).toBe(1);
    expect(h.rtcp[0]!.port).toBe(40001);
    const [sr, sdes] = rtcpPackets(h.rtcp[0]!);
    expect(sr?.type).toBe("sr");
    if (sr?.type === "sr") {
      expect(sr.sender.packetCount).toBe(250);
      expect(sr.sender.octetCount).toBe(250 * 160);
    }
    expect(sdes).toEqual({
      type: "sdes",
      chunks: [{ ssrc: sr?.type === "sr" ? sr.ssrc : -1, cname: "test@127.0.0.1" }],
    });
    h.clock.advance(5000);
    expect(h.rtcp.length).toBe(2);
  });

  test("reports reception of the remote source and echoes its SR in LSR/DLSR", () => {
    const h = harness();
    h.session.start(params);
    for (let i = 0; i < 50; i++) {
      h.session.handleRtp(inbound(i), 50000, "127.0.0.3");
      h.clock.advance(20);
    }
    const remoteSr = encodeRtcpCompound([
      {
        type: "sr",
        ssrc: 0xfeed,
        sender: {
          ntpSeconds: 0x12345678,
          ntpFraction: 0x9abc0000,
          rtpTimestamp: 0,
          packetCount: 50,
          octetCount: 8000,
        },
        reports: [],
      },
    ]);
    h.session.handleRtcp(remoteSr, 50001, "127.0.0.3");
    h.clock.advance(4000);
    const [sr] = rtcpPackets(h.rtcp[0]!);
    expect(sr?.type).toBe("sr");
    if (sr?.type !== "sr") return;
    const block = sr.reports[0]!;
    expect(block.ssrc).toBe(0xfeed);
    expect(block.extendedHighestSeq).toBe(49);
    expect(block.cumulativeLost).toBe(0);
    expect(block.lastSr).toBe(0x56789abc);
    // Sent 4 s after the SR arrived: DLSR ≈ 4 × 65536.
    expect(Math.abs(block.delaySinceLastSr - 4 * 65536)).toBeLessThan(65536 / 10);
    // RTCP is latched to the source of the remote's RTCP.
    expect(h.rtcp[0]!.port).toBe(50001);
    expect(h.rtcp[0]!.address).toBe("127.0.0.3");
  });

  test("fires the media timeout once after 30 s without RTP", () => {
    const h = harness();
    const fired: number[] = [];
    h.session.on("timeout", (e) => fired.push(e.silentMs));
    h.session.start(params);
    h.clock.advance(29_980);
    expect(fired).toEqual([]);
    h.clock.advance(40);
    expect(fired.length).toBe(1);
    expect(fired[0]).toBeGreaterThanOrEqual(30_000);
    h.clock.advance(60_000);
    expect(fired.length).toBe(1);
  });

  test("incoming RTP keeps the call alive; hold suspends the timeout and resume restarts it", () => {
    const h = harness();
    const fired: string[] = [];
    h.session.on("timeout", () => fired.push("t"));
    h.session.start(params);
    h.clock.advance(20_000);
    h.session.handleRtp(inbound(1), 50000, "127.0.0.3");
    h.clock.advance(25_000);
    expect(fired).toEqual([]);
    h.session.setDirection("sendonly");
    h.clock.advance(120_000);
    expect(fired).toEqual([]);
    h.session.setDirection("sendrecv");
    h.clock.advance(29_000);
    expect(fired).toEqual([]);
    h.clock.advance(1_100);
    expect(fired).toEqual(["t"]);
  });

  test("recvonly/inactive sends no RTP and does not pull the frame source; muted sends silence", () => {
    const h = harness();
    let pulls = 0;
    h.session.setFrameSource({
      pull(out) {
        pulls++;
        out.fill(8000);
        return true;
      },
    });
    h.session.start(params);
    h.session.setDirection("recvonly");
    h.clock.advance(100);
    expect(h.rtp.length).toBe(0);
    expect(pulls).toBe(0);
    h.session.setDirection("sendrecv");
    h.session.setMuted(true);
    h.clock.advance(100);
    expect(pulls).toBe(5);
    const view = createRtpView();
    for (const s of h.rtp) {
      expect(decodeRtp(s.data, s.data.length, view)).toBeUndefined();
      // µ-law silence is 0xff throughout.
      expect(s.data.subarray(view.payloadOffset).every((b) => b === 0xff)).toBe(true);
    }
  });

  test("close sends an RTCP BYE, stops the clock and releases the ports once", () => {
    const h = harness();
    h.session.start(params);
    h.clock.advance(100);
    h.session.close();
    h.session.close();
    const last = rtcpPackets(h.rtcp[h.rtcp.length - 1]!);
    expect(last.some((p) => p.type === "bye")).toBe(true);
    expect(h.released()).toBe(1);
    const sent = h.rtp.length;
    h.clock.advance(1000);
    expect(h.rtp.length).toBe(sent);
    expect(h.clock.pending).toBe(0);
  });

  test("a timeout listener that closes the session ends the tick without sending on closed sockets", () => {
    const h = harness();
    h.session.on("timeout", () => h.session.close());
    h.session.start(params);
    h.clock.advance(31_000);
    expect(h.released()).toBe(1);
    const rtcpAfterClose = h.rtcp.length;
    const rtpAfterClose = h.rtp.length;
    h.clock.advance(10_000);
    expect(h.rtcp.length).toBe(rtcpAfterClose);
    expect(h.rtp.length).toBe(rtpAfterClose);
    expect(h.rtp.length).toBe(1500);
  });

  test("sends nothing to c=0.0.0.0 (RFC 3264 hold) and resumes when a re-INVITE gives an address", () => {
    const h = harness();
    h.session.start({ ...params, remote: { address: "0.0.0.0", port: 40000 } });
    h.clock.advance(6000);
    expect(h.rtp.length).toBe(0);
    expect(h.rtcp.length).toBe(0);
    h.session.update(params);
    h.clock.advance(100);
    expect(h.rtp.length).toBe(5);
    expect(h.rtp[0]!.address).toBe("127.0.0.2");
  });
});
