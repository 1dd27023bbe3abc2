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
  return Math.min(hi, Math.max(lo, v));
}

/** Saturates to the 16-bit range, as the Recommendation's 16-bit registers do. */
export function saturate(v: number): number {
  return Math.min(32767, Math.max(-32768, v));
}

export class G722Band {
  /** Predicted signal (PREDIC). */
  s = 0;
  private sp = 0;
  private sz = 0;
  private readonly r = new Int32Array(3);
  private readonly a = new Int32Array(3);
  private readonly ap = new Int32Array(3);
  private readonly p = new Int32Array(3);
  private readonly d = new Int32Array(7);
  private readonly b = new Int32Array(7);
  private readonly bp = new Int32Array(7);
  private readonly sg = new Int32Array(7);
  /** Log scale factor (NBL/NBH) and scale factor (DETL/DETH). */
  nb = 0;
  det: number;

  /** `initialDet`: 32 for the lower band, 8 for the higher band (§6.2.1.1 reset). */
  constructor(initialDet: number) {
    this.det = initialDet;
  }

  /** Blocks 3L LOGSCL + SCALEL for the lower band, from the 4-bit code `ril` (6-bit code >> 2). */
  adaptLow(ril: number): void {
    const nb = ((this.nb * 127) >> 7) + WL[RL42[ril]!]!;
    this.nb = clamp(nb, 0, 18432);
    this.det = scale(this.nb, 8);
  }

  /** Blocks 3H LOGSCH + SCALEH for the higher band, from its 2-bit code. */
  adaptHigh(ihigh: number): void {
    const nb = ((this.nb * 127) >> 7) + WH[RH2[ihigh]!]!;
    this.nb = clamp(nb, 0, 22528);
    this.det = scale(this.nb, 10);
  }

  /** Block 4: updates the pole/zero predictor with quantised difference `dq`. */
  update(dq: number): void {
    const { r, a, ap, p, d, b, bp, sg } = this;
    // RECONS and PARREC
    d[0] = dq;
    r[0] = saturate(this.s + dq);
    p[0] = saturate(this.sz + dq);

    // UPPOL2: second pole coefficient
    for (let i = 0; i < 3; i++) sg[i] = p[i]! >> 15;
    const wd1 = saturate(a[1]! << 2);
    let wd2 = sg[0] === sg[1] ? -wd1 : wd1;
    if (wd2 > 32767) wd2 = 32767;
    let wd3 = (wd2 >> 7) + (sg[0] === sg[2] ? 128 : -128);
    wd3 += (a[2]! * 32512) >> 15;
    ap[2] = clamp(wd3, -12288, 12288);

    // UPPOL1: first pole coefficient, bounded by 15360 − ap2
    sg[0] = p[0]! >> 15;
    sg[1] = p[1]! >> 15;
    const pole1 = saturate((sg[0] === sg[1] ? 192 : -192) + ((a[1]! * 32640) >> 15));
    const limit = saturate(15360 - ap[2]!);
    ap[1] = clamp(pole1, -limit, limit);

    // UPZERO: six zero coefficients, sign-sign adaptation with leakage
    const step = dq === 0 ? 0 : 128;
    sg[0] = dq >> 15;
    for (let i = 1; i < 7; i++) {
      sg[i] = d[i]! >> 15;
      bp[i] = saturate((sg[i] === sg[0] ? step : -step) + ((b[i]! * 32640) >> 15));
    }

    // DELAYA
    for (let i = 6; i > 0; i--) {
      d[i] = d[i - 1]!;
      b[i] = bp[i]!;
    }
    for (let i = 2; i > 0; i--) {
      r[i] = r[i - 1]!;
      p[i] = p[i - 1]!;
      a[i] = ap[i]!;
    }

    // FILTEP, FILTEZ, PREDIC
    const pole = ((a[1]! * saturate(r[1]! + r[1]!)) >> 15) + ((a[2]! * saturate(r[2]! + r[2]!)) >> 15);
    this.sp = saturate(pole);
    let zero = 0;
    for (let i = 6; i > 0; i--) zero += (b[i]! * saturate(d[i]! + d[i]!)) >> 15;
    this.sz = saturate(zero);
    this.s = saturate(this.sp + this.sz);
  }
}

/** SCALEL/SCALEH: det = ILB[(nb >> 6) & 31] shifted by (nb >> 11) relative to `base`, × 4. */
function scale(nb: number, base: number): number {
  const shift = base - (nb >> 11);
  const mantissa = ILB[(nb >> 6) & 31]!;
  return (shift < 0 ? mantissa << -shift : mantissa >> shift) << 2;
}
