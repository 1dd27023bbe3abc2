/**
 * Packet loss concealment for the waveform codecs (G.711, G.722 after conversion to 8 kHz), in
 * the manner of ITU-T G.711 Appendix I: on the first lost sample, estimate the pitch period
 * from the last 20 ms by normalised cross-correlation, then repeat the last pitch period; after
 * 10 ms of loss widen the repeated segment to 2 and after 20 ms to 3 periods (less buzz),
 * overlap-adding each switch over a quarter period; from 10 ms on, attenuate linearly by 20 %
 * per 10 ms so the output is silent after 60 ms. The first good frame after a loss is
 * overlap-added with the synthetic continuation (4 ms, plus 4 ms per further 10 ms lost, at
 * most 10 ms). Unlike Appendix I the good signal is not delayed by 3.75 ms: the repeated
 * segment's tail is instead cross-faded with the samples that precede its head, so the loop
 * wraps without a click and no latency is added to every frame.
 */

/** 8 kHz samples per ms. */
const MS = 8;
/** Pitch search range 5–15 ms (200 Hz down to 66.7 Hz), G.711 Appendix I §I.2.1. */
const PITCH_MIN = 40;
const PITCH_MAX = 120;
/** Correlation window: the last 20 ms. */
const CORR_LEN = 160;
/** History: 3 maximal periods plus a quarter period (48.75 ms, as Appendix I's HISTORYLEN). */
const HIST_LEN = 3 * PITCH_MAX + PITCH_MAX / 4;
/** Attenuation starts after 10 ms and falls by 0.2 per 10 ms; silent at 60 ms. */
const ATTEN_START = 10 * MS;
const ATTEN_PER_SAMPLE = 0.2 / (10 * MS);
const MAX_FADE = 10 * MS;

export class WaveformRepetitionPlc {
  private readonly history = new Int16Array(HIST_LEN);
  private readonly loop = new Float32Array(3 * PITCH_MAX);
  private readonly fade = new Float32Array(MAX_FADE);
  private erased = 0;
  private pitch = PITCH_MIN;
  private periods = 1;
  private offset = 0;
  private fadeLen = 0;
  private fadePos = 0;

  /** Feeds `n` samples of good (decoded) audio, blending them in place after a loss. */
  receive(frame: Int16Array, n: number): void {
    if (this.erased > 0) {
      const len = Math.min(
        MAX_FADE,
        4 * MS + 4 * MS * Math.floor(Math.max(0, this.erased - 1) / (10 * MS)),
        n,
      );
      for (let k = 0; k < len; k++) {
        const w = (k + 1) / (len + 1);
        const synthetic = this.nextSynthetic();
        frame[k] = clamp16(synthetic * (1 - w) + frame[k]! * w);
      }
      this.erased = 0;
    }
    this.pushHistory(frame, n);
  }

  /** Writes `samples` of concealment into `out`; returns the count written. */
  conceal(out: Int16Array, samples: number): number {
    const n = Math.min(samples, out.length);
    if (this.erased === 0) this.startLoss();
    for (let k = 0; k < n; k++) {
      if (this.erased === 10 * MS || this.erased === 20 * MS) this.widen();
      out[k] = clamp16(this.nextSynthetic());
      this.erased++;
    }
    this.pushHistory(out, n);
    return n;
  }

  /** Next synthetic sample at the current attenuation (does not advance `erased`). */
  private nextSynthetic(): number {
    const span = this.pitch * this.periods;
    let value = this.loop[this.offset]!;
    this.offset = this.offset + 1 === span ? 0 : this.offset + 1;
    if (this.fadePos < this.fadeLen) {
      const w = (this.fadePos + 1) / (this.fadeLen + 1);
      value = this.fade[this.fadePos]! * (1 - w) + value * w;
      this.fadePos++;
    }
    const gain =
      this.erased < ATTEN_START ? 1 : Math.max(0, 1 - (this.erased - ATTEN_START) * ATTEN_PER_SAMPLE);
    return value * gain;
  }

  private startLoss(): void {
    this.pitch = this.findPitch();
    this.periods = 1;
    this.offset = 0;
    this.fadeLen = 0;
    this.fadePos = 0;
    this.buildLoop();
  }

  /** Widens the repeated segment by one period, cross-fading from the old loop (§I.2.3). */
  private widen(): void {
    const quarter = this.pitch >> 2;
    for (let k = 0; k < quarter; k++) {
      this.fade[k] = this.loop[(this.offset + k) % (this.pitch * this.periods)]!;
    }
    const phase = this.offset % this.pitch;
    this.periods++;
    this.buildLoop();
    // Keep the phase within the period so the new loop continues the waveform.
    this.offset = (this.periods - 1) * this.pitch + phase;
    this.fadeLen = quarter;
    this.fadePos = 0;
  }

  /**
   * loop[0..span) = the last `span` history samples, with its last quarter period cross-faded
   * into the quarter period that precedes its head, so loop[span−1] → loop[0] is continuous.
   */
  private buildLoop(): void {
    const span = this.pitch * this.periods;
    const quarter = this.pitch >> 2;
    const start = HIST_LEN - span;
    for (let k = 0; k < span; k++) this.loop[k] = this.history[start + k]!;
    for (let k = 0; k < quarter; k++) {
      const w = (k + 1) / (quarter + 1);
      const i = span - quarter + k;
      this.loop[i] = this.loop[i]! * (1 - w) + this.history[start - quarter + k]! * w;
    }
  }

  /** Period (samples) maximising the normalised cross-correlation of the last 20 ms. */
  private findPitch(): number {
    const h = this.history;
    const base = HIST_LEN - CORR_LEN;
    let best = PITCH_MIN;
    let bestScore = -Infinity;
    for (let lag = PITCH_MIN; lag <= PITCH_MAX; lag++) {
      let corr = 0;
      let energy = 0;
      for (let k = 0; k < CORR_LEN; k++) {
        const past = h[base - lag + k]!;
        corr += h[base + k]! * past;
        energy += past * past;
      }
      const score = energy > 0 ? corr / Math.sqrt(energy) : 0;
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    return best;
  }

  private pushHistory(src: Int16Array, n: number): void {
    const h = this.history;
    if (n >= HIST_LEN) {
      for (let k = 0; k < HIST_LEN; k++) h[k] = src[n - HIST_LEN + k]!;
      return;
    }
    h.copyWithin(0, n);
    for (let k = 0; k < n; k++) h[HIST_LEN - n + k] = src[k]!;
  }
}

function clamp16(v: number): number {
  const r = Math.round(v);
  return Math.min(32767, Math.max(-32768, r));
}
