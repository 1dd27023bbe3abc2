/**
 * The media session interface the call layer uses (DESIGN.md: `call` imports this file
 * type-only). Pure declarations, no IO. One session per call: an RTP/RTCP port pair, the
 * inbound pipeline (SRTP → RTP → telephone-event demux → jitter → decode → 20 ms frames) and
 * the outbound path paced by the shared 20 ms media clock (spec/sip.md §10,
 * spec/websocket.md §6–§7).
 */
import type { CodecName } from "../codec/types.ts";
import type { Result } from "../lib/result.ts";
import type { SrtpKeyMaterial } from "../srtp/srtp-context.ts";

/** Where the remote wants media (SDP `c=`/`m=`); RTCP defaults to port + 1 (RFC 3550 §11). */
export interface MediaEndpoint {
  address: string;
  port: number;
  rtcpPort?: number;
}

/** SDES keys (RFC 4568): ours protect what we send, theirs unprotect what we receive. */
export interface MediaCrypto {
  local: SrtpKeyMaterial;
  remote: SrtpKeyMaterial;
}

/** The result of SDP negotiation that the media path needs. */
export interface MediaParams {
  codec: CodecName;
  /** RTP payload type of the audio codec as negotiated (RFC 3264 §6.1). */
  payloadType: number;
  /** Negotiated telephone-event payload type (RFC 4733), absent when not negotiated. */
  telephoneEventPayloadType?: number;
  remote: MediaEndpoint;
  /** Present exactly when the call uses SRTP (RTP/SAVP). */
  crypto?: MediaCrypto;
}

/**
 * Our direction as written in our SDP (RFC 3264 §5.1). `sendrecv` and `sendonly` send a
 * packet every 20 ms; `recvonly` and `inactive` send no RTP and pause the frame source
 * (the remote holds us). The media timeout runs only in `sendrecv` (sip.md §7: suspended on
 * hold, whichever side holds).
 */
export type MediaDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** Outbound audio, pulled once per 20 ms tick. */
export interface FrameSource {
  /**
   * Fills `out` (160 samples, PCM16 8 kHz) and returns true, or returns false when there is
   * nothing to play (silence goes on the wire). Called also while muted, so queues drain at
   * real time (websocket.md §6 "Mute").
   */
  pull(out: Int16Array): boolean;
}

/**
 * Receives each decoded 20 ms inbound frame. `frame` (160 samples) is reused: copy it if
 * it must outlive the call.
 */
export type FrameSink = (frame: Int16Array) => void;

export type MediaSessionEvents = {
  /** An RFC 4733 digit (`0-9 * # A-D`), reported once per event. */
  dtmf: { digit: string };
  /** 30 s without any RTP while in `sendrecv` (sip.md §10 "Media timeout"); fires once. */
  timeout: { silentMs: number };
};

export interface MediaStats {
  packetsSent: number;
  packetsReceived: number;
  /** Packets dropped: undecodable, SRTP failures, unknown payload types. */
  packetsDropped: number;
  /** Jitter-buffer gaps concealed with the codec's PLC. */
  packetsConcealed: number;
  /** Current jitter estimate in ms (RFC 3550 A.8). */
  jitterMs: number;
}

export interface MediaSession {
  /** Address and RTP port to put in our SDP; RTCP is on localPort + 1. */
  readonly localAddress: string;
  readonly localPort: number;
  /** Starts receiving and (per direction) sending with the negotiated parameters. */
  start(params: MediaParams): void;
  /** re-INVITE: new codec, payload types, remote address or keys; keeps SSRC/seq continuity. */
  update(params: MediaParams): void;
  setDirection(direction: MediaDirection): void;
  /** Muted: frames are still pulled but silence is sent (websocket.md §6). */
  setMuted(muted: boolean): void;
  setFrameSource(source: FrameSource | undefined): void;
  setFrameSink(sink: FrameSink | undefined): void;
  on<K extends keyof MediaSessionEvents>(event: K, fn: (e: MediaSessionEvents[K]) => void): () => void;
  /**
   * Queues RFC 4733 events for `digits` in the RTP stream (sip.md §9). Returns false when
   * telephone-event was not negotiated (the caller then uses SIP INFO) or the session is not
   * started.
   */
  sendDtmf(digits: string): boolean;
  stats(): MediaStats;
  /** Stops sending and receiving (RTCP BYE) and releases the ports. Idempotent. */
  close(): void;
}

/** Why a session could not be created. */
export type MediaAllocationError = { code: "ports_exhausted"; message: string };

export interface MediaService {
  /** Binds an RTP/RTCP port pair for a new call (sip.md §10 "Ports": exhaustion → 503). */
  allocate(label: string): Promise<Result<MediaSession, MediaAllocationError>>;
  /** Sessions open now. */
  readonly activeSessions: number;
  /** Closes every session and stops the media clock. */
  close(): void;
}
