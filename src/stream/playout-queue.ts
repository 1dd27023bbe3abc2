/**
 * The outbound playout queue of one socket (spec/websocket.md §6): a FIFO of 8 kHz PCM16
 * samples with marks, pulled one 160-sample frame per shared 20 ms media tick.
 *
 * - Bound 600 s of audio; samples beyond it are dropped (newest dropped, §6 "Queue") and
 *   `onOverflow` is called once per queue. Pending marks are bounded too (65 536).
 * - A mark sits at the sample count queued before it; it fires on the pull that sends that
 *   sample (§6 "Marks"), at once if nothing is queued, always in arrival order.
 * - `clear` drops every queued sample and fires every pending mark (§6 "Clear").
 * - Paused (not yet answered, remote hold, REST play active) → `pull` takes nothing and marks
 *   wait; muted → the queue drains and marks fire but the frame is silence (§6 "Mute").
 *
 * Storage is a ring that grows by doubling up to the bound, so steady state allocates nothing.
 */
import { ULAW_DECODE } from "../codec/g711-tables.ts";
import { FRAME_SAMPLES } from "../codec/types.ts";

/** 600 s at 8 kHz (§6 "Queue": Twilio's 10-minute buffer). */
export const MAX_QUEUED_SAMPLES = 600 * 8000;
/** Pending marks kept; beyond this a mark is dropped (bounded everything, DESIGN.md). */
export const MAX_PENDING_MARKS = 65_536;
const INITIAL_CAPACITY = 8000;

/** Why the queue is not playing; several may hold at once. */
export const PAUSE_NOT_ANSWERED = 1;
export const PAUSE_REMOTE_HOLD = 2;
export const PAUSE_PLAY_ACTIVE = 4;

export interface PlayoutQueueEvents {
  /** A mark's audio has been sent (or cleared); `name` byte-for-byte as received. */
  onMark(name: string): void;
  /** Audio (600 s) or marks hit their bound and were dropped; called once per kind and queue. */
  onOverflow(what: "audio" | "marks"): void;
}

export class PlayoutQueue {
  private ring = new Int16Array(INITIAL_CAPACITY);
  private head = 0;
  private length = 0;
  /** Samples ever accepted / ever taken: mark positions are in `written` units. */
  private written = 0;
  private taken = 0;
  private readonly markNames: string[] = [];
  private readonly markAt: number[] = [];
  private markHead = 0;
  private overflowed = false;
  private marksOverflowed = false;
  private pauses = 0;
  private muted = false;

  constructor(
    private readonly events: PlayoutQueueEvents,
    private readonly maxSamples = MAX_QUEUED_SAMPLES,
  ) {}

  /** Samples waiting to be played. */
  get queuedSamples(): number {
    return this.length;
  }

  get pendingMarks(): number {
    return this.markNames.length - this.markHead;
  }

  setPaused(reason: number, paused: boolean): void {
    this.pauses = paused ? this.pauses | reason : this.pauses & ~reason;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  /** Appends μ-law bytes (G.711 table decode). Returns the samples accepted. */
  appendMulaw(bytes: Uint8Array, offset: number, count: number): number {
    const n = this.reserve(count);
    const ring = this.ring;
    const w = this.writeIndex();
    // Two contiguous runs (to the ring's end, then from its start): no wrap test per sample.
    const first = Math.min(n, ring.length - w);
    for (let i = 0; i < first; i++) ring[w + i] = ULAW_DECODE[bytes[offset + i]!]!;
    for (let i = first; i < n; i++) ring[i - first] = ULAW_DECODE[bytes[offset + i]!]!;
    return this.commit(n);
  }

  /** Appends PCM16 little-endian bytes (`count` even). Returns the samples accepted. */
  appendL16(bytes: Uint8Array, offset: number, count: number): number {
    const n = this.reserve(count >> 1);
    const ring = this.ring;
    const w = this.writeIndex();
    const first = Math.min(n, ring.length - w);
    for (let i = 0, p = offset; i < n; i++, p += 2) {
      ring[i < first ? w + i : i - first] = ((bytes[p]! | (bytes[p + 1]! << 8)) << 16) >> 16;
    }
    return this.commit(n);
  }

  /** Inserts a mark at the current end of the queue (§6 "Marks"). */
  mark(name: string): void {
    if (this.length === 0) {
      this.events.onMark(name);
      return;
    }
    if (this.pendingMarks >= MAX_PENDING_MARKS) {
      if (!this.marksOverflowed) {
        this.marksOverflowed = true;
        this.events.onOverflow("marks");
      }
      return;
    }
    this.markNames.push(name);
    this.markAt.push(this.written);
  }

  /** §6 "Clear": drop all audio, fire pending marks in order. A no-op on an empty queue. */
  clear(): void {
    this.taken += this.length;
    this.head = 0;
    this.length = 0;
    this.fireMarks();
  }

  /** Discards audio and marks without firing (§6 "Call end / socket close"). */
  discard(): void {
    this.head = 0;
    this.length = 0;
    this.taken = this.written;
    this.markNames.length = 0;
    this.markAt.length = 0;
    this.markHead = 0;
  }

  /**
   * One 20 ms tick: fills `out` with the next frame (tail padded with silence) and returns
   * true, or returns false (silence) when paused, empty or muted.
   */
  pull(out: Int16Array): boolean {
    if (this.pauses !== 0 || this.length === 0) return false;
    const ring = this.ring;
    const n = Math.min(FRAME_SAMPLES, this.length, out.length);
    const h = this.head;
    if (!this.muted) {
      const first = Math.min(n, ring.length - h);
      for (let i = 0; i < first; i++) out[i] = ring[h + i]!;
      for (let i = first; i < n; i++) out[i] = ring[i - first]!;
      if (n < out.length) out.fill(0, n);
    }
    this.head = h + n >= ring.length ? h + n - ring.length : h + n;
    this.length -= n;
    this.taken += n;
    if (this.length === 0) this.head = 0;
    if (this.markHead < this.markNames.length) this.fireMarks();
    return !this.muted;
  }

  private writeIndex(): number {
    const at = this.head + this.length;
    return at >= this.ring.length ? at - this.ring.length : at;
  }

  /** Makes room for up to `want` samples, growing the ring; returns how many fit the bound. */
  private reserve(want: number): number {
    let n = Math.min(want, this.maxSamples - this.length);
    if (n < want && !this.overflowed) {
      this.overflowed = true;
      this.events.onOverflow("audio");
    }
    if (n < 0) n = 0;
    const need = this.length + n;
    if (need > this.ring.length) {
      let cap = this.ring.length;
      while (cap < need) cap *= 2;
      this.grow(Math.min(cap, this.maxSamples));
    }
    return n;
  }

  private commit(n: number): number {
    this.length += n;
    this.written += n;
    return n;
  }

  private grow(capacity: number): void {
    const next = new Int16Array(capacity);
    const ring = this.ring;
    const first = Math.min(this.length, ring.length - this.head);
    next.set(ring.subarray(this.head, this.head + first), 0);
    next.set(ring.subarray(0, this.length - first), first);
    this.ring = next;
    this.head = 0;
  }

  private fireMarks(): void {
    while (this.markHead < this.markNames.length && this.markAt[this.markHead]! <= this.taken) {
      const name = this.markNames[this.markHead]!;
      this.markHead++;
      this.events.onMark(name);
    }
    if (this.markHead === this.markNames.length) {
      if (this.markHead > 0) {
        this.markNames.length = 0;
        this.markAt.length = 0;
        this.markHead = 0;
      }
    } else if (this.markHead >= 1024 && this.markHead * 2 >= this.markNames.length) {
      // A client that always keeps a mark pending never empties the list: drop the fired
      // prefix now and then so the arrays stay bounded by the pending marks.
      this.markNames.splice(0, this.markHead);
      this.markAt.splice(0, this.markHead);
      this.markHead = 0;
    }
  }
}
