/**
 * RTCP for one session (RFC 3550 §6): every 5 s (spec/sip.md §10) a compound of SR (when we
 * sent RTP since the last report, §6.4) or RR, one reception report block for the source we
 * receive, and SDES CNAME (§6.5.1); BYE on close (§6.6). Also reads the remote's SR to fill
 * LSR/DLSR. Allocation here is fine: it runs once per 5 s.
 */
import {
  decodeRtcpCompound,
  encodeRtcpCompound,
  ntpFromUnixMs,
  ntpMiddle32,
  type ReportBlock,
  type RtcpPacket,
} from "../rtp/rtcp.ts";
import type { SrtpContext } from "../srtp/srtp-context.ts";
import type { InboundPipeline } from "./inbound-pipeline.ts";
import type { OutboundStream } from "./outbound-stream.ts";

export const RTCP_INTERVAL_MS = 5000;

export class RtcpReporter {
  private lastSr = 0;
  private lastSrAt = 0;
  private sentAtLastReport = 0;

  constructor(
    private readonly cname: string,
    private readonly outbound: OutboundStream,
    private readonly inbound: InboundPipeline,
  ) {}

  /** The compound to send now (`now` monotonic ms, `wallNow` epoch ms), protected if SRTP. */
  build(now: number, wallNow: number, srtp: SrtpContext | undefined, bye: boolean): Uint8Array | undefined {
    const reports: ReportBlock[] = [];
    const src = this.inbound.sourceSsrc;
    if (src >= 0) {
      const s = this.inbound.receiverStats;
      reports.push({
        ssrc: src >>> 0,
        fractionLost: s.takeFractionLost(),
        cumulativeLost: s.cumulativeLost,
        extendedHighestSeq: s.extendedHighestSeq,
        jitter: s.jitter,
        lastSr: this.lastSr,
        // DLSR in units of 1/65536 s (§6.4.1); 0 when no SR has been received.
        delaySinceLastSr: this.lastSr === 0 ? 0 : Math.floor(((now - this.lastSrAt) / 1000) * 65536) >>> 0,
      });
    }
    const o = this.outbound;
    const packets: RtcpPacket[] = [];
    if (o.packetsSent > this.sentAtLastReport) {
      const ntp = ntpFromUnixMs(wallNow);
      packets.push({
        type: "sr",
        ssrc: o.ssrc,
        sender: {
          ...ntp,
          rtpTimestamp: o.lastTimestamp,
          packetCount: o.packetsSent >>> 0,
          octetCount: o.octetsSent >>> 0,
        },
        reports,
      });
    } else packets.push({ type: "rr", ssrc: o.ssrc, reports });
    this.sentAtLastReport = o.packetsSent;
    packets.push({ type: "sdes", chunks: [{ ssrc: o.ssrc, cname: this.cname }] });
    if (bye) packets.push({ type: "bye", ssrcs: [o.ssrc] });
    const plain = encodeRtcpCompound(packets);
    if (srtp === undefined) return plain;
    const buf = new Uint8Array(plain.length + srtp.rtcpOverhead);
    buf.set(plain);
    const n = srtp.protectRtcp(buf, plain.length);
    return typeof n === "number" ? buf.subarray(0, n) : undefined;
  }

  /** An RTCP datagram from the remote; remembers its SR for LSR/DLSR. False if refused. */
  receive(data: Uint8Array, now: number, srtp: SrtpContext | undefined): boolean {
    let n = data.length;
    if (srtp !== undefined) {
      const r = srtp.unprotectRtcp(data, data.length);
      if (typeof r !== "number") return false;
      n = r;
    }
    const decoded = decodeRtcpCompound(data.subarray(0, n));
    if (!decoded.ok) return false;
    for (const p of decoded.value) {
      if (p.type === "sr") {
        this.lastSr = ntpMiddle32(p.sender.ntpSeconds, p.sender.ntpFraction);
        this.lastSrAt = now;
      }
    }
    return true;
  }
}
