/**
 * RFC 4733 sender schedule (sip.md §9), pulled by the shared 20 ms media tick. Per digit:
 *
 *   tick:      0    1    2    3    4    5    6    7    8    9 | 10 = next digit
 *   packet:    ev   ev   ev   ev   END  END  END  aud  aud  aud
 *   marker:    M
 *   duration:  1u   2u   3u   4u   5u   5u   5u            (u = 20 ms of event clock)
 *
 * An event packet every 20 ms for 100 ms, each carrying the duration so far (§2.5.1.2); the
 * last one has the E bit and is sent three times in all (§2.5.1.4); all share the RTP
 * timestamp of the tick the digit started on (§2.5.1.2) and the first has the marker bit
 * (§2.5.1.3). Volume 10 (-10 dBm0). Audio frames are replaced while event packets go out;
 * 100 ms after the event ended the next digit may start. The media layer supplies sequence
 * numbers and SSRC: it sends whatever the tick says in the call's RTP stream.
 */
import type { Digit } from "./digits.ts";
import { digitToEvent } from "./digits.ts";
import { encodeTelephoneEvent } from "./telephone-event.ts";

export const DTMF_VOLUME = 10;
export const TICK_MS = 20;
/** Ticks with event packets: 5 for the 100 ms event, then 2 more copies of the end packet. */
export const EVENT_TICKS = 7;
/** Ticks from a digit's start to the earliest start of the next one (100 ms event + 100 ms gap). */
export const DIGIT_PERIOD_TICKS = 10;
const EVENT_LENGTH_TICKS = 5;

/** What to send on this tick. */
export type DtmfTick =
  | { readonly kind: "audio" }
  | {
      readonly kind: "event";
      readonly digit: Digit;
      /** RTP timestamp of the digit's start, in the stream's clock. */
      readonly timestamp: number;
      readonly marker: boolean;
      readonly end: boolean;
      /** True on the third end packet: the digit is fully sent. */
      readonly lastOfDigit: boolean;
      /** Payload bytes written to `out` (always 4). */
      readonly length: number;
    };

const AUDIO: DtmfTick = { kind: "audio" };

export interface DtmfSenderOptions {
  /** Clock rate of the negotiated telephone-event format (8000, or 48000 next to Opus). */
  readonly clockRate: number;
}

export class DtmfSender {
  private readonly unitsPerTick: number;
  private readonly queue: Digit[] = [];
  /** Tick index within the current digit's period; -1 when no digit is in progress. */
  private step = -1;
  private digit: Digit = "0";
  private timestamp = 0;

  constructor(opts: DtmfSenderOptions) {
    this.unitsPerTick = (opts.clockRate * TICK_MS) / 1000;
  }

  /** Queues digits (already validated, see validateDtmfDigits) behind any in progress. */
  enqueue(digits: readonly Digit[]): void {
    this.queue.push(...digits);
  }

  /** True when no event packet is pending (the gap after the last digit may still run). */
  get idle(): boolean {
    return this.queue.length === 0 && (this.step < 0 || this.step >= EVENT_TICKS);
  }

  /** Drops queued digits (call ended, media changed); a digit in progress still ends cleanly. */
  clearQueue(): void {
    this.queue.length = 0;
  }

  /**
   * Advances one 20 ms tick. `audioTimestamp` is the RTP timestamp the audio frame of this
   * tick would carry; event payloads are written to `out` at offset 0.
   */
  tick(audioTimestamp: number, out: Uint8Array): DtmfTick {
    // The gap runs out even when nothing is queued, so a digit queued later still waits for it.
    if (this.step >= DIGIT_PERIOD_TICKS) this.step = -1;
    if (this.step < 0) {
      const next = this.queue.shift();
      if (next === undefined) return AUDIO;
      this.digit = next;
      this.timestamp = audioTimestamp >>> 0;
      this.step = 0;
    }
    const k = this.step++;
    if (k >= EVENT_TICKS) return AUDIO;
    const end = k >= EVENT_LENGTH_TICKS - 1;
    const duration = Math.min(k + 1, EVENT_LENGTH_TICKS) * this.unitsPerTick;
    const length = encodeTelephoneEvent(
      { event: digitToEvent(this.digit), end, volume: DTMF_VOLUME, duration },
      out,
    );
    return {
      kind: "event",
      digit: this.digit,
      timestamp: this.timestamp,
      marker: k === 0,
      end,
      lastOfDigit: k === EVENT_TICKS - 1,
      length,
    };
  }
}
