/**
 * A REST play (rest-api.md §3 `POST …/play`, websocket.md §6): PCM16 8 kHz mono played in
 * 20 ms frames, `loopCount` times (0 = until stopped), as a pure frame source that the call's
 * outbound pull consults before the WebSocket queue. Completion is reported from inside the
 * pull that takes the last frame of the last loop, so `call.play_finished {interrupted:false}`
 * means the audio has actually been handed to the media tick (rest-api.md: "fires when the
 * last frame of the last loop has actually been sent"). No allocation per frame.
 */
import type { FrameSourceLike } from "./ports.ts";

/** Samples per 20 ms frame at 8 kHz. */
const FRAME = 160;

/** `play_<n>`, `n` a process-wide counter from 0 (rest-api.md §3); one per CallManager. */
export class PlayIds {
  private next = 0;
  take(): string {
    return `play_${this.next++}`;
  }
}

export class Playback implements FrameSourceLike {
  private position = 0;
  private loopsDone = 0;
  private doneValue = false;

  constructor(
    readonly playId: string,
    private readonly pcm: Int16Array,
    /** 0 = repeat until stopped. */
    private readonly loopCount: number,
    /** Called once, inside the pull that took the last sample. */
    private readonly onFinished: () => void,
  ) {}

  get done(): boolean {
    return this.doneValue;
  }

  /** Ends without reporting completion (stop, replacement, hangup). */
  cancel(): void {
    this.doneValue = true;
  }

  pull(out: Int16Array): boolean {
    if (this.doneValue || this.pcm.length === 0) return false;
    let filled = 0;
    while (filled < FRAME) {
      const n = Math.min(FRAME - filled, this.pcm.length - this.position);
      // A plain copy: `subarray` would allocate a view per frame.
      for (let i = 0; i < n; i++) out[filled + i] = this.pcm[this.position + i]!;
      filled += n;
      this.position += n;
      if (this.position < this.pcm.length) continue;
      // A loop ends inside this frame: the next one continues seamlessly, the last one pads.
      this.position = 0;
      this.loopsDone++;
      if (this.loopCount !== 0 && this.loopsDone >= this.loopCount) {
        out.fill(0, filled, FRAME);
        this.doneValue = true;
        this.onFinished();
        return true;
      }
    }
    return true;
  }
}
