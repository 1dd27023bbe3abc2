/**
 * The RFC 4733 telephone-event ports the media session drives. The event logic (digit
 * mapping, end-bit de-duplication, the 100 ms / 3 × end / 100 ms gap schedule of
 * spec/sip.md §9) lives in the pure `src/dtmf` module; the composition root passes a
 * factory that adapts it to these two small interfaces, so the media path depends only on
 * what it calls per packet and per tick.
 */

export interface TelephoneEventReceiver {
  /**
   * One telephone-event RTP payload with its RTP timestamp and marker bit; returns the digit
   * to report (once per event, sip.md §9) or undefined.
   */
  receive(payload: Uint8Array, timestamp: number, marker: boolean): string | undefined;
}

/** What the sender wants on the wire for this 20 ms tick. */
export interface TelephoneEventTick {
  /** Payload bytes written into the caller's buffer; 0 = no event now, send audio. */
  length: number;
  /** RTP marker bit (RFC 4733 §2.5.1.3: set on the first packet of an event). */
  marker: boolean;
  /** True on the first packet of a new event: it takes the current audio timestamp. */
  startsEvent: boolean;
}

export interface TelephoneEventSender {
  /** Queues digits; returns false for characters that are not DTMF digits. */
  enqueue(digits: string): boolean;
  /** Polled once per tick; writes the event payload into `out`, filling `tick`. */
  next(out: Uint8Array, tick: TelephoneEventTick): void;
}

export interface TelephoneEventFactory {
  createReceiver(): TelephoneEventReceiver;
  createSender(): TelephoneEventSender;
}
