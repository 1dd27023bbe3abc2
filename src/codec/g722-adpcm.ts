/**
 * ITU-T G.722 64 kbit/s sub-band ADPCM at 16 kHz: the transmit QMF splits each pair of input
 * samples into a lower and a higher sub-band sample (§3.2, §6.1.1); the lower band is coded
 * with a 6-bit and the higher with a 2-bit adaptive quantiser (§3.3, §3.4, Blocks 1L/1H); the
 * octet on the wire is IH (2 bits) ‖ IL (6 bits) (§1.4.2, RFC 3551 §4.5.2). The decoder
 * inverts each quantiser, runs the same predictor updates and the receive QMF (§4.4, §6.2.2).
 * Bit-exact with spandsp's and ffmpeg's g722 encoder on test signals (test/codec/g722.test.ts).
 *
 * Codeword layout (MSB first):   | IH1 IH0 | IL5 IL4 IL3 IL2 IL1 IL0 |
 */
import { clamp, G722Band, saturate } from "./g722-band.ts";
import { IHN, IHP, ILN, ILP, Q6, QM2, QM4, QM6, QMF_COEFFS } from "./g722-tables.ts";

/** Largest decision level of QUANTL (Q6[29]). */
const Q6_MAX = 2919;
/** Q6_INTERVAL[q]: the smallest i in 1..29 with Q6[i] ≥ q, or 30 (q ≤ Q6_MAX). */
const Q6_INTERVAL = ((): Uint8Array => {
  const table = new Uint8Array(Q6_MAX + 1);
  let i = 1;
  for (let q = 0; q <= Q6_MAX; q++) {
    while (i < 30 && Q6[i]! < q) i++;
    table[q] = i;
  }
  return table;
})();

/**
 * The 24-tap QMF delay line (§6.1.1.1 / §6.2.2.2) as a doubled ring, so no samples move: push()
 * enters two samples and leaves, over the window x[0] (oldest) … x[23] (newest),
 * sumEven = Σ x[2i]·h[2i] and sumOdd = Σ x[2i+1]·h[2i+1] (the taps with the newest sample),
 * where h[2i] = QMF_COEFFS[i] and h[2i+1] = QMF_COEFFS[11−i].
 */
class Qmf {
  private readonly x = new Int32Array(48);
  private pos = 0;
  sumEven = 0;
  sumOdd = 0;

  push(older: number, newer: number): void {
    const x = this.x;
    let p = this.pos;
    x[p] = older;
    x[p + 24] = older;
    x[p + 1] = newer;
    x[p + 25] = newer;
    p = p + 2 === 24 ? 0 : p + 2;
    this.pos = p;
    let a = 0;
    let b = 0;
    for (let i = 0; i < 12; i++) {
      a += x[p + 2 * i]! * QMF_COEFFS[i]!;
      b += x[p + 2 * i + 1]! * QMF_COEFFS[11 - i]!;
    }
    this.sumEven = a;
    this.sumOdd = b;
  }
}

export class G722Encoder {
  private readonly low = new G722Band(32);
  private readonly high = new G722Band(8);
  private readonly qmf = new Qmf();

  /** Encodes `samples` (even) 16 kHz samples to samples/2 octets; returns octets written. */
  encode(pcm16k: Int16Array, samples: number, out: Uint8Array): number {
    const n = Math.min(samples >> 1, out.length);
    const { qmf, low, high } = this;
    for (let j = 0; j < n; j++) {
      // Transmit QMF (§6.1.1.1): two new samples enter the delay line.
      qmf.push(pcm16k[2 * j]!, pcm16k[2 * j + 1]!);
      // §3.2: xL = xA + xB, xH = xA − xB, xA being the sum over the newest sample's taps.
      const xlow = (qmf.sumEven + qmf.sumOdd) >> 14;
      const xhigh = (qmf.sumOdd - qmf.sumEven) >> 14;

      // Lower band: SUBTRA, QUANTL (Block 1L)
      const el = saturate(xlow - low.s);
      const wdl = el >= 0 ? el : -(el + 1);
      // QUANTL: the first interval i whose decision level (Q6[i]·det) >> 12 exceeds |el|.
      // wd < (Q6·det) >> 12  ⇔  Q6 ≥ ⌈(wd + 1)·4096 / det⌉, so one division and a table lookup
      // give the interval the Recommendation's linear scan finds.
      const need = Math.floor(((wdl + 1) * 4096 + low.det - 1) / low.det);
      const i = need > Q6_MAX ? 30 : Q6_INTERVAL[need]!;
      const ilow = el < 0 ? ILN[i]! : ILP[i]!;
      // INVQAL (Block 2L) with the 4-bit code, then adaptation and prediction.
      const ril = ilow >> 2;
      const dlow = (low.det * QM4[ril]!) >> 15;
      low.adaptLow(ril);
      low.update(dlow);

      // Higher band: SUBTRA, QUANTH (Block 1H)
      const eh = saturate(xhigh - high.s);
      const wdh = eh >= 0 ? eh : -(eh + 1);
      const mih = wdh >= (564 * high.det) >> 12 ? 2 : 1;
      const ihigh = eh < 0 ? IHN[mih]! : IHP[mih]!;
      const dhigh = (high.det * QM2[ihigh]!) >> 15;
      high.adaptHigh(ihigh);
      high.update(dhigh);

      out[j] = (ihigh << 6) | ilow;
    }
    return n;
  }
}

export class G722Decoder {
  private readonly low = new G722Band(32);
  private readonly high = new G722Band(8);
  private readonly qmf = new Qmf();

  /** Decodes `bytes` octets to 2 × bytes samples at 16 kHz (truncated to `out`); returns samples. */
  decode(payload: Uint8Array, bytes: number, out: Int16Array): number {
    const n = Math.min(bytes, out.length >> 1);
    const { qmf, low, high } = this;
    for (let j = 0; j < n; j++) {
      const code = payload[j]!;
      const ilow = code & 0x3f;
      const ihigh = (code >> 6) & 0x03;

      // Lower band: INVQBL (6-bit reconstruction), RECONS, LIMIT (Blocks 5L, 6L)
      const rlow = clamp(low.s + ((low.det * QM6[ilow]!) >> 15), -16384, 16383);
      // INVQAL (4-bit) feeds the predictor, exactly as in the encoder.
      const ril = ilow >> 2;
      const dlow = (low.det * QM4[ril]!) >> 15;
      low.adaptLow(ril);
      low.update(dlow);

      // Higher band: INVQAH, RECONS, LIMIT (Blocks 2H, 5H, 6H)
      const dhigh = (high.det * QM2[ihigh]!) >> 15;
      const rhigh = clamp(dhigh + high.s, -16384, 16383);
      high.adaptHigh(ihigh);
      high.update(dhigh);

      // Receive QMF (§6.2.2.2)
      qmf.push(rlow + rhigh, rlow - rhigh);
      // Output order: the odd-tap sum is the earlier sample; overflow clips to the int16 rails.
      out[2 * j] = saturate(qmf.sumOdd >> 11);
      out[2 * j + 1] = saturate(qmf.sumEven >> 11);
    }
    return 2 * n;
  }
}
