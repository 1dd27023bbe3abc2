/**
 * The audio codecs the gateway negotiates and how they appear in SDP (sip.md §10): static
 * payload types from RFC 3551 §6 table 4, dynamic ones for Opus (RFC 7587 §7) and
 * telephone-event (RFC 4733 §7.1.1), and the allowlist names of config.md.
 */
import type { Rtpmap } from "./attributes.ts";
import type { CodecName } from "./types.ts";

export interface CodecSpec {
  readonly name: CodecName;
  /** rtpmap encoding name as we write it. */
  readonly encodingName: string;
  /** RTP clock rate (RFC 3551 §4.5.2: G.722 is 8000 although it samples at 16 kHz). */
  readonly clockRate: number;
  /** rtpmap encoding parameters (channels) as we write them. */
  readonly channels?: number;
  /** RFC 3551 static payload type, usable without an rtpmap line. */
  readonly staticPt?: number;
  /** Payload type in our own offers. */
  readonly offerPt: number;
  /** Our fmtp parameters, if any. */
  readonly fmtp?: string;
}

/** In our offer order (sip.md §10). */
export const CODECS: readonly CodecSpec[] = [
  { name: "pcmu", encodingName: "PCMU", clockRate: 8000, staticPt: 0, offerPt: 0 },
  { name: "pcma", encodingName: "PCMA", clockRate: 8000, staticPt: 8, offerPt: 8 },
  { name: "g722", encodingName: "G722", clockRate: 8000, staticPt: 9, offerPt: 9 },
  // RFC 7587 §7: "opus/48000/2" always, whatever the actual rate and channel count.
  {
    name: "opus",
    encodingName: "opus",
    clockRate: 48000,
    channels: 2,
    offerPt: 111,
    fmtp: "minptime=20;useinbandfec=0",
  },
];

export const TELEPHONE_EVENT = {
  encodingName: "telephone-event",
  offerPt: 101,
  clockRate: 8000,
  /** RFC 4733 §2.5.1.1 event list: DTMF 0-15 and flash 16. */
  fmtp: "0-16",
} as const;

/** True when the allowlist permits the codec; an absent or empty list permits all (config.md). */
export function codecAllowed(name: CodecName, allow: readonly CodecName[] | undefined): boolean {
  return allow === undefined || allow.length === 0 || allow.includes(name);
}

/**
 * Which of our codecs a payload type carries. With an rtpmap the encoding name and clock rate
 * decide (case-insensitively, RFC 8866 §6.6 / RFC 4855 §3); without one only the RFC 3551
 * static numbers do.
 */
export function identifyCodec(payloadType: number, rtpmap: Rtpmap | undefined): CodecSpec | undefined {
  if (rtpmap === undefined) return CODECS.find((c) => c.staticPt === payloadType);
  const name = rtpmap.encodingName.toLowerCase();
  return CODECS.find(
    (c) =>
      c.encodingName.toLowerCase() === name &&
      c.clockRate === rtpmap.clockRate &&
      // RFC 7587 §7: opus must say 2 channels; tolerate a missing count, as many stacks do.
      (c.channels === undefined || rtpmap.channels === undefined || rtpmap.channels === c.channels),
  );
}

/** True for a telephone-event rtpmap at any clock rate (RFC 4733 §7.1.1). */
export function isTelephoneEvent(rtpmap: Rtpmap | undefined): boolean {
  return rtpmap !== undefined && rtpmap.encodingName.toLowerCase() === TELEPHONE_EVENT.encodingName;
}
