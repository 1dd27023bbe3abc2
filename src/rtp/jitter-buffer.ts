/**
 * Adaptive playout (jitter) buffer for one inbound RTP stream (spec/websocket.md §7: 50 ms;
 * spec/sip.md §10). Fed with (packet, now); emits packets in sequence order once they are due,
 * and "missing" for each sequence number that never arrived in time so the media layer can
 * conceal it with the codec's PLC. Late and duplicate packets are dropped. Bounded: a fixed
 * ring of slots with preallocated payload storage, so the per-packet path allocates nothing.
 *
 * Playout time of a packet = anchorArrival + (timestamp − anchorTimestamp) / clockRate + delay.
 * The anchor is taken from the first packet, and again after an underrun at a talkspurt start
 * (RFC 3550 §5.1 marker bit) or a timestamp discontinuity; the delay target adapts only at
 * those points, as 3 × the RFC 3550 A.8 jitter estimate + one frame, clamped to [min, max],
 * so audio never jumps in the middle of a talkspurt. A sender clock running fast is caught
 * by pulling the anchor in once packets arrive more than `max` early; one running slow
 * underruns and re-anchors.
 */
import { seqDelta, seqNext, timestampDelta } from "./sequence.ts";

export interface JitterBufferOptions {
  /** RTP clock rate of the stream (8000, or 48000 for Opus). */
  clockRate: number;
  /** Slots in the ring, rounded up to a power of two (default 32 ≈ 640 ms of 20 ms audio). */
  capacity?: number;
  /** Largest payload stored; longer payloads are refused (default 1500). */
  maxPayloadBytes?: number;
  /** Initial and minimum target delay in ms (default 50). */
  minDelayMs?: number;
  /** Ceiling of the adaptive delay in ms (default 200). */
  maxDelayMs?: number;
}

export type JitterInsertResult = "buffered" | "late" | "duplicate" | "too-large";

/** What {@link JitterBuffer.pop} produced: a packet copied into the frame, a gap, or nothing due. */
export type JitterPopResult = "packet" | "missing" | "none";

/** Reusable output of {@link JitterBuffer.pop}. */
export interface JitterFrame {
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  /** Payload bytes (a view into the buffer's storage; valid until the next insert). */
  payload: Uint8Array;
}

export interface JitterStats {
  received: number;
  late: number;
  duplicate: number;
  missing: number;
  /** Current target delay in ms. */
  targetDelayMs: number;
  /** A.8-style jitter estimate in ms. */
  jitterMs: number;
}

export class JitterBuffer {
  private readonly capacity: number;
  private readonly maxPayload: number;
  private readonly storage: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly seqs: Int32Array;
  private readonly timestamps: Uint32Array;
  private readonly markers: Uint8Array;
  private readonly clockRate: number;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  /** Per-slot payload views, re-created only when a slot's payload length changes. */
  private readonly views: Uint8Array[];
  private readonly empty = new Uint8Array(0);

  private started = false;
  /** Next sequence number to play. */
  private nextSeq = 0;
  private count = 0;
  private anchorArrival = 0;
  private anchorTs = 0;
  private delayMs: number;
  private jitterMs = 0;
  private lastTransit = 0;
  private haveTransit = false;
  private lastPlayedTs = 0;
  private readonly counters = { received: 0, late: 0, duplicate: 0, missing: 0 };

  constructor(opts: JitterBufferOptions) {
    // A power of two, so `seq % capacity` stays continuous across the 16-bit wrap.
    this.capacity = 1 << Math.ceil(Math.log2(Math.min(1024, Math.max(2, opts.capacity ?? 32))));
    this.maxPayload = opts.maxPayloadBytes ?? 1500;
    this.clockRate = opts.clockRate;
    this.minDelay = opts.minDelayMs ?? 50;
    this.maxDelay = Math.max(this.minDelay, opts.maxDelayMs ?? 200);
    this.delayMs = this.minDelay;
    this.storage = new Uint8Array(this.capacity * this.maxPayload);
    this.lengths = new Int32Array(this.capacity).fill(-1);
    this.seqs = new Int32Array(this.capacity);
    this.timestamps = new Uint32Array(this.capacity);
    this.markers = new Uint8Array(this.capacity);
    this.views = [];
    for (let i = 0; i < this.capacity; i++) this.views.push(this.empty);
  }

  /**
   * Copies the payload `src[offset, offset+length)` in (no view is created, so the receive
   * path allocates nothing). `now` is monotonic ms of arrival.
   */
  insert(
    seq: number,
    timestamp: number,
    marker: boolean,
    src: Uint8Array,
    offset: number,
    length: number,
    now: number,
  ): JitterInsertResult {
    if (length > this.maxPayload) return "too-large";
    this.updateJitter(timestamp, now);
    if (!this.started) {
      this.started = true;
      this.nextSeq = seq;
      this.anchor(timestamp, now);
    } else if (this.count === 0 && seqDelta(this.nextSeq, seq) >= 0) {
      // Underrun: re-anchor at a talkspurt start or when the timestamp no longer matches the
      // arrival time (silence suppression, a restarted sender), adopting the adapted delay.
      const due = this.dueTime(timestamp);
      if (marker || due < now || due > now + this.maxDelay * 2) {
        this.delayMs = this.adaptedDelay();
        this.anchor(timestamp, now);
        this.nextSeq = seq;
      }
    } else {
      // A sender whose clock runs faster than ours makes packets arrive ever earlier than
      // their playout time, so latency would creep up to the size of the ring. Once a packet
      // is early by more than the delay ceiling, pull the anchor in: the backlog then plays
      // out at once and latency is back at the target.
      const early = this.dueTime(timestamp) - (now + this.delayMs);
      if (early > this.maxDelay) this.anchorArrival -= early;
    }
    const d = seqDelta(this.nextSeq, seq);
    if (d < 0) {
      this.counters.late++;
      return "late";
    }
    if (d >= this.capacity) {
      // Far ahead of the playout point: the stream jumped (RFC 3550 A.1 restart) or we stalled
      // longer than the ring; start over from this packet rather than growing.
      this.flush();
      this.nextSeq = seq;
      this.delayMs = this.adaptedDelay();
      this.anchor(timestamp, now);
    }
    const slot = seq % this.capacity;
    if (this.lengths[slot]! >= 0 && this.seqs[slot] === seq) {
      this.counters.duplicate++;
      return "duplicate";
    }
    this.seqs[slot] = seq;
    this.timestamps[slot] = timestamp;
    this.markers[slot] = marker ? 1 : 0;
    this.lengths[slot] = length;
    const base = slot * this.maxPayload;
    for (let i = 0; i < length; i++) this.storage[base + i] = src[offset + i]!;
    this.count++;
    this.counters.received++;
    return "buffered";
  }

  /**
   * Emits the next packet when it is due at `now`: "packet" (copied into `out`), "missing"
   * when the next sequence number is absent but a later packet is already due (conceal one
   * packet's worth of audio), or "none". Call repeatedly until "none" on each tick.
   */
  pop(now: number, out: JitterFrame): JitterPopResult {
    if (this.count === 0) return "none";
    const slot = this.nextSeq % this.capacity;
    if (this.lengths[slot]! >= 0 && this.seqs[slot] === this.nextSeq) {
      const ts = this.timestamps[slot]!;
      if (this.dueTime(ts) > now) return "none";
      out.sequenceNumber = this.nextSeq;
      out.timestamp = ts;
      out.marker = this.markers[slot] === 1;
      out.payload = this.payloadView(slot, this.lengths[slot]!);
      this.lengths[slot] = -1;
      this.count--;
      this.lastPlayedTs = ts;
      this.nextSeq = seqNext(this.nextSeq);
      return "packet";
    }
    // The next packet is missing: give up on it once the earliest later packet is due.
    const later = this.earliestBuffered();
    if (later < 0 || this.dueTime(this.timestamps[later]!) > now) return "none";
    out.sequenceNumber = this.nextSeq;
    out.timestamp = this.lastPlayedTs;
    out.marker = false;
    out.payload = this.empty;
    this.nextSeq = seqNext(this.nextSeq);
    this.counters.missing++;
    return "missing";
  }

  stats(): JitterStats {
    return { ...this.counters, targetDelayMs: this.delayMs, jitterMs: this.jitterMs };
  }

  /** Number of packets held. */
  get size(): number {
    return this.count;
  }

  /** Drops everything (codec change, hold); the next packet re-anchors. */
  reset(): void {
    this.flush();
    this.started = false;
    this.haveTransit = false;
  }

  private flush(): void {
    this.lengths.fill(-1);
    this.count = 0;
  }

  private anchor(timestamp: number, now: number): void {
    this.anchorTs = timestamp;
    this.anchorArrival = now;
  }

  private dueTime(timestamp: number): number {
    return (
      this.anchorArrival + (timestampDelta(this.anchorTs, timestamp) * 1000) / this.clockRate + this.delayMs
    );
  }

  private adaptedDelay(): number {
    const frameMs = 20;
    return Math.min(this.maxDelay, Math.max(this.minDelay, 3 * this.jitterMs + frameMs));
  }

  /** RFC 3550 A.8 estimator, in ms: J += (|D| − J) / 16. */
  private updateJitter(timestamp: number, now: number): void {
    const transit = now - (timestamp * 1000) / this.clockRate;
    if (this.haveTransit) {
      let d = Math.abs(transit - this.lastTransit);
      // A timestamp wrap or restart shows up as an enormous D; do not let it poison J.
      if (d > 10_000) d = this.jitterMs;
      this.jitterMs += (d - this.jitterMs) / 16;
    }
    this.lastTransit = transit;
    this.haveTransit = true;
  }

  private payloadView(slot: number, length: number): Uint8Array {
    let v = this.views[slot]!;
    if (v.length !== length) {
      v = this.storage.subarray(slot * this.maxPayload, slot * this.maxPayload + length);
      this.views[slot] = v;
    }
    return v;
  }

  /** Slot holding the buffered packet closest after nextSeq, or −1. */
  private earliestBuffered(): number {
    for (let i = 1; i < this.capacity; i++) {
      const slot = (this.nextSeq + i) % this.capacity;
      if (this.lengths[slot]! >= 0 && seqDelta(this.nextSeq, this.seqs[slot]!) === i) return slot;
    }
    return -1;
  }
}
