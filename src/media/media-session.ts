/**
 * One call's media (spec/sip.md §10, spec/websocket.md §6–§7): receives RTP/RTCP datagrams
 * from its port pair, runs the inbound pipeline, and on every tick of the shared media clock
 * plays out due audio, sends one RTP packet (audio, silence or a telephone event), checks the
 * media timeout and sends RTCP every 5 s. Symmetric RTP (RFC 4961): we send to the source of
 * the first valid packet, not only to the SDP address, so calls survive NAT.
 */
import type { AudioCodec, CodecName } from "../codec/types.ts";
import { FRAME_SAMPLES } from "../codec/types.ts";
import { validateDtmfDigits } from "../dtmf/digits.ts";
import { DtmfReceiver } from "../dtmf/receiver.ts";
import { DtmfSender } from "../dtmf/sender.ts";
import type { Clock } from "../lib/clock.ts";
import { Emitter } from "../lib/emitter.ts";
import type { Logger } from "../lib/logger.ts";
import type { Random } from "../lib/random.ts";
import { SrtpContext } from "../srtp/srtp-context.ts";
import { type InboundConfig, InboundPipeline } from "./inbound-pipeline.ts";
import type { MediaClock, MediaTickListener } from "./media-clock.ts";
import { OutboundStream } from "./outbound-stream.ts";
import { RTCP_INTERVAL_MS, RtcpReporter } from "./rtcp-reporter.ts";
import type {
  FrameSink,
  FrameSource,
  MediaDirection,
  MediaParams,
  MediaSession,
  MediaSessionEvents,
  MediaStats,
} from "./types.ts";

const UNSPECIFIED: ReadonlySet<string> = new Set(["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]);

/** spec/sip.md §10: 30 s without any RTP ends the call. */
export const MEDIA_TIMEOUT_MS = 30_000;

/** The send half of a UDP socket. */
export interface UdpSender {
  send(data: Uint8Array, port: number, address: string): boolean;
}

export interface MediaSessionDeps {
  localAddress: string;
  localPort: number;
  rtp: UdpSender;
  rtcp: UdpSender;
  clock: Clock;
  mediaClock: MediaClock;
  random: Random;
  resolveCodec(name: CodecName): AudioCodec | undefined;
  /** RTCP SDES CNAME (RFC 3550 §6.5.1). */
  cname: string;
  logger: Logger;
  /** Frees the port pair; called once by close(). */
  release(): void;
  timeoutMs?: number;
}

export class RtpMediaSession implements MediaSession, MediaTickListener {
  readonly localAddress: string;
  readonly localPort: number;
  private readonly events = new Emitter<MediaSessionEvents>();
  private inbound: InboundPipeline | undefined;
  private outbound: OutboundStream | undefined;
  private reporter: RtcpReporter | undefined;
  private params: MediaParams | undefined;
  private srtpIn: SrtpContext | undefined;
  private srtpOut: SrtpContext | undefined;
  private dtmfSender: DtmfSender | undefined;
  private dtmfReceiver: DtmfReceiver | undefined;
  private direction: MediaDirection = "sendrecv";
  private muted = false;
  private source: FrameSource | undefined;
  private sink: FrameSink | undefined;
  private readonly frame = new Int16Array(FRAME_SAMPLES);
  /** Where RTP goes: the SDP endpoint until latched to the remote's source (RFC 4961). */
  private sendAddress = "";
  private sendPort = 0;
  private latched = false;
  private rtcpAddress = "";
  private rtcpPort = 0;
  private rtcpLatched = false;
  private lastRtpAt = 0;
  private timedOut = false;
  private nextRtcpAt = 0;
  private closed = false;
  /** Cached send view, re-made only when the packet length changes. */
  private sendView: Uint8Array = new Uint8Array(0);

  constructor(private readonly deps: MediaSessionDeps) {
    this.localAddress = deps.localAddress;
    this.localPort = deps.localPort;
  }

  start(params: MediaParams): void {
    if (this.closed || this.params !== undefined) return;
    const codec = this.codecFor(params);
    this.applyCrypto(params);
    const inbound = new InboundPipeline(this.inboundConfig(params, codec));
    inbound.sink = this.sink;
    inbound.onDigit = (digit) => this.events.emit("dtmf", { digit });
    this.inbound = inbound;
    this.outbound = new OutboundStream(codec, this.deps.random, params.payloadType, this.srtpOut);
    this.reporter = new RtcpReporter(this.deps.cname, this.outbound, inbound);
    this.dtmfSender = new DtmfSender({ clockRate: codec.rtpClockRate });
    this.params = params;
    this.setRemote(params);
    const now = this.deps.clock.now();
    this.lastRtpAt = now;
    this.nextRtcpAt = now + RTCP_INTERVAL_MS;
    this.deps.mediaClock.add(this);
  }

  update(params: MediaParams): void {
    if (this.closed || this.inbound === undefined || this.outbound === undefined) return;
    const codec = this.codecFor(params);
    const old = this.params;
    if (old === undefined || !sameCrypto(old, params)) this.applyCrypto(params);
    this.inbound.reconfigure(this.inboundConfig(params, codec));
    if (this.outbound.clockRate !== codec.rtpClockRate) {
      // RFC 4733 §2.1: events use the stream's clock; a digit in progress ends cleanly.
      this.dtmfSender?.clearQueue();
      this.dtmfSender = new DtmfSender({ clockRate: codec.rtpClockRate });
    }
    this.outbound.setCodec(codec, params.payloadType);
    this.outbound.srtp = this.srtpOut;
    if (
      old === undefined ||
      old.remote.address !== params.remote.address ||
      old.remote.port !== params.remote.port
    ) {
      // A new SDP address: send there and latch afresh to whatever answers from it.
      this.setRemote(params);
    }
    this.params = params;
  }

  setDirection(direction: MediaDirection): void {
    if (direction === "sendrecv" && this.direction !== "sendrecv") {
      // sip.md §7: the timeout is suspended on hold; it restarts counting on resume.
      this.lastRtpAt = this.deps.clock.now();
      this.timedOut = false;
    }
    this.direction = direction;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  setFrameSource(source: FrameSource | undefined): void {
    this.source = source;
  }

  setFrameSink(sink: FrameSink | undefined): void {
    this.sink = sink;
    if (this.inbound !== undefined) this.inbound.sink = sink;
  }

  on<K extends keyof MediaSessionEvents>(event: K, fn: (e: MediaSessionEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  sendDtmf(digits: string): boolean {
    if (
      this.closed ||
      this.params?.telephoneEventPayloadType === undefined ||
      this.dtmfSender === undefined
    ) {
      return false;
    }
    // rest-api.md: the whole string is checked before anything is sent.
    const valid = validateDtmfDigits(digits);
    if (!valid.ok) return false;
    this.dtmfSender.enqueue(valid.value);
    return true;
  }

  stats(): MediaStats {
    return {
      packetsSent: this.outbound?.packetsSent ?? 0,
      packetsReceived: this.inbound?.received ?? 0,
      packetsDropped: this.inbound?.dropped ?? 0,
      packetsConcealed: this.inbound?.concealed ?? 0,
      jitterMs: this.inbound?.jitterMs ?? 0,
    };
  }

  close(): void {
    if (this.closed) return;
    if (this.reporter !== undefined) {
      // RFC 3550 §6.6: a BYE tells the remote this source is leaving.
      this.sendRtcp(true);
    }
    this.closed = true;
    this.deps.mediaClock.remove(this);
    this.inbound?.close();
    this.outbound?.close();
    this.deps.release();
  }

  /** An RTP datagram from `address:port` (decrypted in place). */
  handleRtp(data: Uint8Array, port: number, address: string): void {
    if (this.closed || this.inbound === undefined) return;
    const now = this.deps.clock.now();
    const verdict = this.inbound.receive(data, data.length, now);
    if (verdict === "dropped") return;
    this.lastRtpAt = now;
    if (!this.latched) {
      // RFC 4961 symmetric RTP: answer to where the first valid packet came from.
      this.latched = true;
      if (address !== this.sendAddress || port !== this.sendPort) {
        this.deps.logger.info("rtp latched to source", {
          address,
          port,
          sdpAddress: this.sendAddress,
          sdpPort: this.sendPort,
        });
      }
      this.sendAddress = address;
      this.sendPort = port;
      if (!this.rtcpLatched) {
        this.rtcpAddress = address;
        this.rtcpPort = port + 1;
      }
    }
  }

  /** An RTCP datagram. */
  handleRtcp(data: Uint8Array, port: number, address: string): void {
    if (this.closed || this.reporter === undefined) return;
    if (this.reporter.receive(data, this.deps.clock.now(), this.srtpIn) && !this.rtcpLatched) {
      this.rtcpLatched = true;
      this.rtcpAddress = address;
      this.rtcpPort = port;
    }
  }

  onTick(now: number): void {
    const inbound = this.inbound;
    const outbound = this.outbound;
    if (inbound === undefined || outbound === undefined || this.params === undefined) return;
    inbound.playout(now);
    // Listeners (frame sink, frame source, timeout) may close the session mid-tick.
    if (this.closed) return;
    if (this.direction === "sendrecv" || this.direction === "sendonly") this.sendOne(outbound);
    else outbound.skip();
    if (this.direction === "sendrecv" && !this.timedOut) {
      const silent = now - this.lastRtpAt;
      if (silent >= (this.deps.timeoutMs ?? MEDIA_TIMEOUT_MS)) {
        this.timedOut = true;
        this.deps.logger.warn("rtp timeout", { silentMs: Math.round(silent), received: inbound.received });
        this.events.emit("timeout", { silentMs: silent });
      }
    }
    if (this.closed) return;
    if (now >= this.nextRtcpAt) {
      this.nextRtcpAt = now + RTCP_INTERVAL_MS;
      this.sendRtcp(false);
    }
  }

  private sendOne(outbound: OutboundStream): void {
    const pulled = this.source?.pull(this.frame) ?? false;
    if (this.closed) return;
    let n: number;
    const eventPt = this.params?.telephoneEventPayloadType;
    const tick =
      eventPt === undefined || this.dtmfSender === undefined
        ? undefined
        : this.dtmfSender.tick(outbound.nextTimestamp, outbound.eventPayload);
    if (eventPt !== undefined && tick !== undefined && tick.kind === "event") {
      // sip.md §9: audio frames are suppressed while an event is being sent.
      n = outbound.event(eventPt, tick.length, tick.marker, tick.timestamp);
    } else {
      n = outbound.audio(pulled && !this.muted ? this.frame : undefined);
    }
    if (n <= 0 || this.sendPort === 0) return;
    if (this.sendView.length !== n) this.sendView = outbound.packet.subarray(0, n);
    this.deps.rtp.send(this.sendView, this.sendPort, this.sendAddress);
  }

  private sendRtcp(bye: boolean): void {
    if (this.reporter === undefined || this.rtcpPort === 0) return;
    const packet = this.reporter.build(this.deps.clock.now(), this.deps.clock.wallNow(), this.srtpOut, bye);
    if (packet !== undefined) this.deps.rtcp.send(packet, this.rtcpPort, this.rtcpAddress);
  }

  private setRemote(params: MediaParams): void {
    // RFC 3264 §8.4 / RFC 2543 hold: c=0.0.0.0 means "send nothing"; sending there would
    // reach this host on Linux. Port 0 is a rejected stream (RFC 3264 §6).
    const nowhere = UNSPECIFIED.has(params.remote.address) || params.remote.port === 0;
    this.sendAddress = params.remote.address;
    this.sendPort = nowhere ? 0 : params.remote.port;
    this.latched = false;
    this.rtcpAddress = params.remote.address;
    this.rtcpPort = nowhere ? 0 : (params.remote.rtcpPort ?? params.remote.port + 1);
    this.rtcpLatched = false;
  }

  private applyCrypto(params: MediaParams): void {
    this.srtpIn = params.crypto === undefined ? undefined : new SrtpContext(params.crypto.remote);
    this.srtpOut = params.crypto === undefined ? undefined : new SrtpContext(params.crypto.local);
  }

  private inboundConfig(params: MediaParams, codec: AudioCodec): InboundConfig {
    const c: InboundConfig = { codec, payloadType: params.payloadType };
    if (params.telephoneEventPayloadType !== undefined) {
      c.telephoneEventPayloadType = params.telephoneEventPayloadType;
      // Keep the receiver across re-INVITEs so a digit in progress is not reported twice.
      this.dtmfReceiver ??= new DtmfReceiver();
      c.dtmf = this.dtmfReceiver;
    }
    if (this.srtpIn !== undefined) c.srtp = this.srtpIn;
    return c;
  }

  private codecFor(params: MediaParams): AudioCodec {
    const codec = this.deps.resolveCodec(params.codec);
    // The call layer only negotiates codecs the gateway offers: an unknown one is a bug.
    if (codec === undefined) throw new RangeError(`no codec registered for ${params.codec}`);
    return codec;
  }
}

function sameCrypto(a: MediaParams, b: MediaParams): boolean {
  if (a.crypto === undefined || b.crypto === undefined) return a.crypto === b.crypto;
  return sameKey(a.crypto.local, b.crypto.local) && sameKey(a.crypto.remote, b.crypto.remote);
}

function sameKey(
  a: { masterKey: Uint8Array; masterSalt: Uint8Array },
  b: { masterKey: Uint8Array; masterSalt: Uint8Array },
): boolean {
  return (
    a.masterKey.every((v, i) => v === b.masterKey[i]) && a.masterSalt.every((v, i) => v === b.masterSalt[i])
  );
}
