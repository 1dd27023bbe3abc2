/**
 * Caller frames waiting for a slow client (spec/websocket.md §7): at most 256 frames (~5 s)
 * per socket; a frame arriving when it is full evicts the oldest. Preallocated, so a
 * backlogged socket costs 82 KiB and no allocation per frame.
 */
import { FRAME_SAMPLES } from "../codec/types.ts";

/** §7: "at most 256 unsent frames". */
export const MAX_UNSENT_FRAMES = 256;

export class InboundBacklog {
  private readonly frames: Int16Array;
  private readonly stamps: Float64Array;
  private head = 0;
  private count = 0;
  /** Frames evicted since creation. */
  dropped = 0;

  constructor(private readonly capacity = MAX_UNSENT_FRAMES) {
    this.frames = new Int16Array(capacity * FRAME_SAMPLES);
    this.stamps = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Copies `frame` in; returns false when the oldest frame had to be evicted for it. */
  push(frame: Int16Array, timestampMs: number): boolean {
    let evicted = false;
    if (this.count === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      this.dropped++;
      evicted = true;
    }
    const slot = (this.head + this.count) % this.capacity;
    const frames = this.frames;
    for (let i = 0, p = slot * FRAME_SAMPLES; i < FRAME_SAMPLES; i++, p++) frames[p] = frame[i]!;
    this.stamps[slot] = timestampMs;
    this.count++;
    return !evicted;
  }

  /** Copies the oldest frame into `out` and returns its timestamp; call only when `size > 0`. */
  peek(out: Int16Array): number {
    const at = this.head * FRAME_SAMPLES;
    const frames = this.frames;
    for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = frames[at + i]!;
    return this.stamps[this.head]!;
  }

  shift(): void {
    if (this.count === 0) return;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
