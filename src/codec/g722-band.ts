/**
 * One G.722 sub-band's adaptive predictor and scale-factor adaptation (ITU-T G.722 §3.6 and
 * §6.2: Blocks 3L/3H LOGSCL/SCALEL, Block 4 RECONS, PARREC, UPPOL1, UPPOL2, UPZERO, DELAYA,
 * FILTEP, FILTEZ, PREDIC). Encoder and decoder run the same code, which is what keeps them in
 * step. Arithmetic is the Recommendation's 16-bit fixed point: every ">> 15" is a Q15 multiply
 * and saturate() is its LIMIT function.
 */
import { ILB, RH2, RL42, WH, WL } from "./g722-tables.ts";

/** LIMIT: bounds `v` to [lo, hi]. */
export function clamp(v: number, lo: number, hi: number): number {
  // biome-ignore lint/complexity/useMathMinMax: ternaries measured ~25 % faster per sample in JSC
  return v > hi ? hi : v < lo ? lo : v;
}

/** Saturates to the 16-bit range, as the Recommendation's 16-bit registers do. */
export function saturate(v: number): number {
  // biome-ignore lint/complexity/useMathMinMax: ternaries measured ~25 % faster per sample in JSC
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/**
 * State of one sub-band. The delay lines are plain fields rather than small typed arrays: the
 * predictor update runs 16 000 times a second per direction and scalar fields halve its cost.
 */
export class G722Band {
  /** Predicted signal (PREDIC). */
  s = 0;
  private sz = 0;
  /** Reconstructed signal r(n−1), r(n−2) and partial reconstruction p(n−1), p(n−2). */
  private r1 = 0;
  private r2 = 0;
  private p1 = 0;
  private p2 = 0;
  /** Pole coefficients a1, a2. */
  private a1 = 0;
  private a2 = 0;
  /** Quantised differences d(n−1)…d(n−6) and zero coefficients b1…b6. */
  private d1 = 0;
  private d2 = 0;
  private d3 = 0;
  private d4 = 0;
  private d5 = 0;
  private d6 = 0;
  private b1 = 0;
  private b2 = 0;
  private b3 = 0;
  private b4 = 0;
  private b5 = 0;
  private b6 = 0;
  /** Log scale factor (NBL/NBH) and scale factor (DETL/DETH). */
  nb = 0;
  det: number;

  /** `initialDet`: 32 for the lower band, 8 for the higher band (§6.2.1.1 reset). */
  constructor(initialDet: number) {
    this.det = initialDet;
  }

  /** Blocks 3L LOGSCL + SCALEL for the lower band, from the 4-bit code `ril` (6-bit code >> 2). */
  adaptLow(ril: number): void {
    this.nb = clamp(((this.nb * 127) >> 7) + WL[RL42[ril]!]!, 0, 18432);
    this.det = scale(this.nb, 8);
  }

  /** Blocks 3H LOGSCH + SCALEH for the higher band, from its 2-bit code. */
  adaptHigh(ihigh: number): void {
    this.nb = clamp(((this.nb * 127) >> 7) + WH[RH2[ihigh]!]!, 0, 22528);
    this.det = scale(this.nb, 10);
  }

  /** Block 4: updates the pole/zero predictor with quantised difference `dq`. */
  update(dq: number): void {
    // RECONS and PARREC
    const r0 = saturate(this.s + dq);
    const p0 = saturate(this.sz + dq);

    // UPPOL2: second pole coefficient, from the signs of p(n), p(n−1), p(n−2)
    const sg0 = p0 >> 15;
    const sg1 = this.p1 >> 15;
    const sg2 = this.p2 >> 15;
    const wd1 = saturate(this.a1 << 2);
    const wd2 = Math.min(32767, sg0 === sg1 ? -wd1 : wd1);
    const wd3 = (wd2 >> 7) + (sg0 === sg2 ? 128 : -128) + ((this.a2 * 32512) >> 15);
    const a2 = clamp(wd3, -12288, 12288);

    // UPPOL1: first pole coefficient, bounded by 15360 − a2
    const pole1 = saturate((sg0 === sg1 ? 192 : -192) + ((this.a1 * 32640) >> 15));
    const limit = saturate(15360 - a2);
    const a1 = clamp(pole1, -limit, limit);

    // UPZERO: six zero coefficients, sign-sign adaptation with leakage (old d and b)
    const step = dq === 0 ? 0 : 128;
    const sgd = dq >> 15;
    const b1 = saturate((this.d1 >> 15 === sgd ? step : -step) + ((this.b1 * 32640) >> 15));
    const b2 = saturate((this.d2 >> 15 === sgd ? step : -step) + ((this.b2 * 32640) >> 15));
    const b3 = saturate((this.d3 >> 15 === sgd ? step : -step) + ((this.b3 * 32640) >> 15));
    const b4 = saturate((this.d4 >> 15 === sgd ? step : -step) + ((this.b4 * 32640) >> 15));
    const b5 = saturate((this.d5 >> 15 === sgd ? step : -step) + ((this.b5 * 32640) >> 15));
    const b6 = saturate((this.d6 >> 15 === sgd ? step : -step) + ((this.b6 * 32640) >> 15));

    // DELAYA
    this.d6 = this.d5;
    this.d5 = this.d4;
    this.d4 = this.d3;
    this.d3 = this.d2;
    this.d2 = this.d1;
    this.d1 = dq;
    this.b1 = b1;
    this.b2 = b2;
    this.b3 = b3;
    this.b4 = b4;
    this.b5 = b5;
    this.b6 = b6;
    this.r2 = this.r1;
    this.r1 = r0;
    this.p2 = this.p1;
    this.p1 = p0;
    this.a1 = a1;
    this.a2 = a2;

    // FILTEP, FILTEZ, PREDIC
    const sp = saturate(((a1 * saturate(this.r1 * 2)) >> 15) + ((a2 * saturate(this.r2 * 2)) >> 15));
    this.sz = saturate(
      ((b6 * saturate(this.d6 * 2)) >> 15) +
        ((b5 * saturate(this.d5 * 2)) >> 15) +
        ((b4 * saturate(this.d4 * 2)) >> 15) +
        ((b3 * saturate(this.d3 * 2)) >> 15) +
        ((b2 * saturate(this.d2 * 2)) >> 15) +
        ((b1 * saturate(dq * 2)) >> 15),
    );
    this.s = saturate(sp + this.sz);
  }
}

/** SCALEL/SCALEH: det = ILB[(nb >> 6) & 31] shifted by (nb >> 11) relative to `base`, × 4. */
function scale(nb: number, base: number): number {
  const shift = base - (nb >> 11);
  const mantissa = ILB[(nb >> 6) & 31]!;
  return (shift < 0 ? mantissa << -shift : mantissa >> shift) << 2;
}
