/**
 * Server → client JSON text messages of both modes (spec/websocket.md §3), key order as in the
 * spec examples. Rare messages are built with JSON.stringify; `media`, sent 50 times a second,
 * is a template string (DESIGN.md performance rules: 0.24 µs vs 0.55 µs, bench/stream.bench.ts).
 */
import type { StreamEncoding } from "./types.ts";

/** §3: constant `accountSid` (no Twilio account behind the gateway). */
const ACCOUNT_SID = "AC00000000000000000000000000000000";

/** §3 `connected`: the one message without `sequenceNumber` and `streamSid`. */
export const CONNECTED_MESSAGE = '{"event":"connected","protocol":"Call","version":"1.0.0"}';

export interface StartFields {
  readonly streamSid: string;
  readonly callSid: string;
  readonly customParameters: Readonly<Record<string, string>>;
  /** Twilio mode → `stream.encoding`; native mode → always `audio/x-l16` (§3 `start`). */
  readonly encoding: StreamEncoding;
}

export function startMessage(seq: number, f: StartFields): string {
  return JSON.stringify({
    event: "start",
    sequenceNumber: String(seq),
    start: {
      accountSid: ACCOUNT_SID,
      streamSid: f.streamSid,
      callSid: f.callSid,
      tracks: ["inbound"],
      customParameters: f.customParameters,
      mediaFormat: { encoding: f.encoding, sampleRate: 8000, channels: 1 },
    },
    streamSid: f.streamSid,
  });
}

/**
 * §3 `media`: `chunk` counts media messages from 1, `timestamp` is ms since stream start,
 * `payload` is one frame's base64. `streamSid` is "MZ"+hex and `payload` base64, so neither
 * needs JSON escaping.
 */
export function mediaMessage(
  seq: number,
  streamSid: string,
  chunk: number,
  timestampMs: number,
  payload: string,
): string {
  return `{"event":"media","sequenceNumber":"${seq}","streamSid":"${streamSid}","media":{"track":"inbound","chunk":"${chunk}","timestamp":"${timestampMs}","payload":"${payload}"}}`;
}

/** §3 `dtmf`: one message per key press, track `inbound_track`. */
export function dtmfMessage(seq: number, streamSid: string, digit: string): string {
  return JSON.stringify({
    event: "dtmf",
    sequenceNumber: String(seq),
    streamSid,
    dtmf: { track: "inbound_track", digit },
  });
}

/** §3 `mark` echo: `name` returned byte-for-byte (JSON.stringify escapes, the client unescapes). */
export function markMessage(seq: number, streamSid: string, name: string): string {
  return JSON.stringify({ event: "mark", sequenceNumber: String(seq), streamSid, mark: { name } });
}

export function stopMessage(seq: number, streamSid: string, callSid: string): string {
  return JSON.stringify({
    event: "stop",
    sequenceNumber: String(seq),
    streamSid,
    stop: { accountSid: ACCOUNT_SID, callSid },
  });
}
