/**
 * Audio measurement helpers for tests: tone and noise generators, Goertzel power at one
 * frequency, RMS level, dominant frequency, SNR against a reference. Tests prove audio with
 * tones rather than byte equality wherever a codec is lossy (cf. livekit/sip audiotest).
 */

/** A sine of `freq` Hz at `amplitude` (linear, 0..32767) for `samples` samples at `rate` Hz. */
export function tone(freq: number, rate: number, samples: number, amplitude: number, phase = 0): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++)
    out[i] = Math.round(amplitude * Math.sin(phase + (2 * Math.PI * freq * i) / rate));
  return out;
}

/** Linear sweep from f0 to f1 Hz. */
export function sweep(f0: number, f1: number, rate: number, samples: number, amplitude: number): Int16Array {
  const out = new Int16Array(samples);
  const duration = samples / rate;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    out[i] = Math.round(amplitude * Math.sin(2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * duration))));
  }
  return out;
}

/** Deterministic uniform white noise in [−amplitude, amplitude] (xorshift32). */
export function noise(samples: number, amplitude: number, seed = 0x1234567): Int16Array {
  const out = new Int16Array(samples);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < samples; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = Math.round(((x / 0xffffffff) * 2 - 1) * amplitude);
  }
  return out;
}

/** Amplitude (linear, same scale as the samples) of the `freq` component, by Goertzel. */
export function goertzel(samples: ArrayLike<number>, freq: number, rate: number): number {
  const n = samples.length;
  const w = (2 * Math.PI * freq) / rate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / n;
}

/** Root mean square of the samples. */
export function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

/** 20·log10(a/b). */
export function db(a: number, b: number): number {
  return 20 * Math.log10(a / b);
}

/** Frequency (Hz, on a `step` grid from `lo` to `hi`) with the largest Goertzel amplitude. */
export function dominantFrequency(
  samples: ArrayLike<number>,
  rate: number,
  lo = 50,
  hi = rate / 2,
  step = 10,
): number {
  let best = lo;
  let bestAmp = -1;
  for (let f = lo; f <= hi; f += step) {
    const a = goertzel(samples, f, rate);
    if (a > bestAmp) {
      bestAmp = a;
      best = f;
    }
  }
  return best;
}

/**
 * SNR (dB) of `test` against `ref` after aligning by the best lag in [0, maxLag] (test delayed
 * by lag) and the least-squares gain; compares `length` samples from `start` in `ref`.
 */
export function snrAligned(
  ref: ArrayLike<number>,
  test: ArrayLike<number>,
  start: number,
  length: number,
  maxLag = 64,
): number {
  let best = -Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    if (start + lag + length > test.length || start + length > ref.length) break;
    let num = 0;
    let den = 0;
    for (let i = 0; i < length; i++) {
      num += ref[start + i]! * test[start + lag + i]!;
      den += test[start + lag + i]! * test[start + lag + i]!;
    }
    const gain = den > 0 ? num / den : 0;
    let sig = 0;
    let err = 0;
    for (let i = 0; i < length; i++) {
      const r = ref[start + i]!;
      const e = r - gain * test[start + lag + i]!;
      sig += r * r;
      err += e * e;
    }
    best = Math.max(best, err === 0 ? Infinity : 10 * Math.log10(sig / err));
  }
  return best;
}

/**
 * The largest Goertzel amplitude of `hz` over 200 ms windows (half-overlapping): finds a tone
 * wherever it sits in a recording that also holds silence or other audio.
 */
export function peakLevel(pcm: Int16Array, hz: number, rate = 8000): number {
  const w = rate / 5;
  let best = 0;
  for (let i = 0; i + w <= pcm.length; i += w / 2)
    best = Math.max(best, goertzel(pcm.subarray(i, i + w), hz, rate));
  return best;
}
