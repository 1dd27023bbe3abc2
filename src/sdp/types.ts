/**
 * The SDP model shared by the parser, the serializer and offer/answer (RFC 8866 §5, RFC 3264).
 * Fields keep the text as written (origin numbers may exceed 2^53, addresses may carry a
 * TTL) so a description round-trips; lines this model does not name are kept verbatim in
 * `unknown` and written back at the end of their section.
 */

/** `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7). */
export interface Connection {
  readonly netType: string;
  readonly addrType: string;
  /** As written, including any `/ttl` or `/count` suffix. */
  readonly address: string;
}

/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2). */
export interface Origin {
  readonly username: string;
  /** Decimal digits as written; may exceed 2^53. */
  readonly sessionId: string;
  /** Decimal digits as written; incremented on each changed description (RFC 3264 §8). */
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

/** `a=<name>` or `a=<name>:<value>` (RFC 8866 §5.13). */
export interface Attribute {
  readonly name: string;
  readonly value?: string;
}

/** `t=` plus the `r=` lines that follow it (RFC 8866 §5.9, §5.10). */
export interface Timing {
  readonly start: string;
  readonly stop: string;
  readonly repeats: readonly string[];
}

/** One `m=` section (RFC 8866 §5.14). */
export interface MediaDescription {
  readonly media: string;
  readonly port: number;
  readonly numberOfPorts?: number;
  readonly proto: string;
  /** Payload type numbers (as text) for RTP profiles. */
  readonly formats: readonly string[];
  readonly information?: string;
  readonly connections: readonly Connection[];
  readonly bandwidths: readonly string[];
  readonly key?: string;
  readonly attributes: readonly Attribute[];
  /** Lines of unknown type, written back verbatim at the end of the section. */
  readonly unknown: readonly string[];
}

/** A whole session description (RFC 8866 §5). */
export interface SessionDescription {
  readonly version: number;
  /** Absent only when the peer left `o=` out or wrote it unreadably (kept in `unknown`). */
  readonly origin?: Origin;
  readonly sessionName: string;
  readonly information?: string;
  readonly uri?: string;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly connection?: Connection;
  readonly bandwidths: readonly string[];
  readonly timings: readonly Timing[];
  readonly zone?: string;
  readonly key?: string;
  readonly attributes: readonly Attribute[];
  readonly unknown: readonly string[];
  readonly media: readonly MediaDescription[];
}

/** RFC 3264 §5.1 / RFC 8866 §6.7 stream direction, seen from the side that wrote the SDP. */
export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** Audio codecs the gateway can run (sip.md §10). */
export type CodecName = "pcmu" | "pcma" | "g722" | "opus";

/** SRTP crypto suites the gateway accepts (RFC 4568 §6.2). */
export type SrtpSuite = "AES_CM_128_HMAC_SHA1_80" | "AES_CM_128_HMAC_SHA1_32";

/** `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]` (RFC 4568 §9.1). */
export interface CryptoAttribute {
  readonly tag: number;
  readonly suite: string;
  /** As written, e.g. `inline:<base64>|2^20|1:32`; several are separated by `;`. */
  readonly keyParams: string;
  readonly sessionParams: readonly string[];
}

/** The SRTP keys chosen for a call; the keys are the base64 `inline:` material (RFC 4568 §6.1). */
export interface NegotiatedCrypto {
  readonly tag: number;
  readonly suite: SrtpSuite;
  /** base64 master key || master salt the remote sends with. */
  readonly remoteKey: string;
  /** base64 master key || master salt we send with. */
  readonly localKey: string;
}

/** What the media and call layers need from a finished offer/answer exchange. */
export interface NegotiatedMedia {
  readonly codec: CodecName;
  readonly payloadType: number;
  /** RTP clock of the codec (8000 for G.722, RFC 3551 §4.5.2; 48000 for Opus, RFC 7587 §4.1). */
  readonly clockRate: number;
  readonly telephoneEventPt?: number;
  readonly telephoneEventRate?: number;
  /** As written; 0.0.0.0 on an RFC 2543-style hold, when the media layer keeps the old peer. */
  readonly remoteAddr: string;
  readonly remotePort: number;
  /** a=rtcp (RFC 3605) when given, else RTP port + 1 (RFC 3550 §11). */
  readonly remoteRtcpPort: number;
  /** What this side does: our own SDP's direction for the stream (RFC 3264 §6.1). */
  readonly direction: Direction;
  /** True when the remote put us on hold (sendonly / inactive / c=0.0.0.0). */
  readonly remoteHold: boolean;
  readonly crypto?: NegotiatedCrypto;
}
