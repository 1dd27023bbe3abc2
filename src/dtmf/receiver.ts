/**
 * RFC 4733 receiver: turns telephone-event packets into digits, each reported exactly once
 * (sip.md §9). An event is identified by its RTP timestamp (RFC 4733 §2.5.1.2: all packets of
 * one event carry the timestamp of its start) together with its event code, which also keeps
 * apart digits from senders that reuse one timestamp.
 *
 * A digit is reported on the first packet with the E bit (§2.5.1.4); later end retransmissions
 * and late packets of a reported event are ignored. Because every end packet can be lost
 * (§2.5.1.4 only sends three), an unreported event is also reported when a different event
 * starts, or when nothing was heard of it for `timeoutMs` (judged from the `now` argument).
 * The marker bit is not needed: it only flags the first packet (§2.5.1.3), which may be lost.
 * Events 16 and above (flash and non-DTMF events) are ignored.
 */
import { type Digit, eventToDigit } from "./digits.ts";
import { decodeTelephoneEvent } from "./telephone-event.ts";

export type DigitReportCause = "end" | "next-event" | "timeout";

export interface ReceivedDigit {
  readonly digit: Digit;
  /** RTP timestamp of the event's start. */
  readonly timestamp: number;
  /** Longest duration seen, in telephone-event clock units. */
  readonly duration: number;
  readonly cause: DigitReportCause;
}

export interface DtmfReceiverOptions {
  /** Silence after which an event without an end packet is reported (default 250 ms). */
  readonly timeoutMs?: number;
}

const NONE: readonly ReceivedDigit[] = [];
/** Reported events remembered so their stragglers are ignored; a few seconds of digits. */
const RECENT = 16;

export class DtmfReceiver {
  private readonly timeoutMs: number;
  private active = false;
  private curTimestamp = 0;
  private curEvent = 0;
  private curDuration = 0;
  private curLastSeen = 0;
  private readonly recentTimestamps = new Uint32Array(RECENT);
  private readonly recentEvents = new Int16Array(RECENT).fill(-1);
  private recentNext = 0;

  constructor(opts: DtmfReceiverOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 250;
  }

  /**
   * Feeds one telephone-event payload (the bytes after the RTP header) with its RTP
   * timestamp. Returns the digits this packet completes: none, one, or two (a lost end of
   * the previous event plus this event's end).
   */
  push(payload: Uint8Array, timestamp: number, now: number): readonly ReceivedDigit[] {
    const decoded = decodeTelephoneEvent(payload);
    if (!decoded.ok) return NONE;
    const { event, end, duration } = decoded.value;
    if (eventToDigit(event) === undefined) return NONE;
    const ts = timestamp >>> 0;
    if (this.wasReported(ts, event)) return NONE;

    let previous: ReceivedDigit | undefined;
    if (this.active && (this.curTimestamp !== ts || this.curEvent !== event)) {
      previous = this.finish(this.expired(now) ? "timeout" : "next-event");
    }
    if (!this.active) {
      this.active = true;
      this.curTimestamp = ts;
      this.curEvent = event;
      this.curDuration = 0;
    }
    this.curDuration = Math.max(this.curDuration, duration);
    this.curLastSeen = now;
    const current = end ? this.finish("end") : undefined;
    if (previous === undefined) return current === undefined ? NONE : [current];
    return current === undefined ? [previous] : [previous, current];
  }

  /** Call on the media tick: reports an event whose end packets never came. */
  poll(now: number): ReceivedDigit | undefined {
    return this.active && this.expired(now) ? this.finish("timeout") : undefined;
  }

  private expired(now: number): boolean {
    return now - this.curLastSeen >= this.timeoutMs;
  }

  private wasReported(ts: number, event: number): boolean {
    for (let i = 0; i < RECENT; i++) {
      if (this.recentEvents[i] === event && this.recentTimestamps[i] === ts) return true;
    }
    return false;
  }

  private finish(cause: DigitReportCause): ReceivedDigit {
    this.active = false;
    this.recentTimestamps[this.recentNext] = this.curTimestamp;
    this.recentEvents[this.recentNext] = this.curEvent;
    this.recentNext = (this.recentNext + 1) % RECENT;
    return {
      digit: eventToDigit(this.curEvent)!,
      timestamp: this.curTimestamp,
      duration: this.curDuration,
      cause,
    };
  }
}
