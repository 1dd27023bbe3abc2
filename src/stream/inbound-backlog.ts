/**
 * Caller frames waiting for a slow client (spec/websocket.md §7): at most 256 frames (~5 s)
 * per socket; a frame arriving when it is full evicts the oldest. The ring (82 KiB) is
 * allocated whole on the first frame held back, not per socket: most clients read in time and
 * never need it, and a backlogged one allocates nothing per frame.
 */
import { FRAME_SAMPLES } from "../codec/types.ts";

/** §7: "at most 256 unsent frames". */
export const MAX_UNSENT_FRAMES = 256;

export class InboundBacklog {
  private frames: Int16Array | undefined;
  private stamps = new Float64Array(0);
  private head = 0;
  private count = 0;

  constructor(private readonly capacity = MAX_UNSENT_FRAMES) {}

  get size(): number {
    return this.count;
  }

  /** Copies `frame` in; returns false when the oldest frame had to be evicted for it. */
  push(frame: Int16Array, timestampMs: number): boolean {
    let evicted = false;
    if (this.count === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.count--;
      evicted = true;
    }
    const slot = (this.head + this.count) % this.capacity;
    let frames = this.frames;
    if (frames === undefined) {
      frames = this.frames = new Int16Array(this.capacity * FRAME_SAMPLES);
      this.stamps = new Float64Array(this.capacity);
    }
    for (let i = 0, p = slot * FRAME_SAMPLES; i < FRAME_SAMPLES; i++, p++) frames[p] = frame[i]!;
    this.stamps[slot] = timestampMs;
    this.count++;
    return !evicted;
  }

  /** Copies the oldest frame into `out` and returns its timestamp (0 and `out` untouched when empty). */
  peek(out: Int16Array): number {
    const frames = this.frames;
    if (frames === undefined || this.count === 0) return 0;
    const at = this.head * FRAME_SAMPLES;
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
