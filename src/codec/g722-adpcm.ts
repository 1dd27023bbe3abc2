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

/**
 * The 24-tap QMF h0..h23 over the delay line x (x[23] newest): acc[0] = Σ x[2i]·h[2i] and
 * acc[1] = Σ x[2i+1]·h[2i+1], using h[2i] = QMF_COEFFS[i] and h[2i+1] = QMF_COEFFS[11−i].
 */
function qmf(x: Int32Array, acc: Int32Array): void {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < 12; i++) {
    even += x[2 * i]! * QMF_COEFFS[i]!;
    odd += x[2 * i + 1]! * QMF_COEFFS[11 - i]!;
  }
  acc[0] = even;
  acc[1] = odd;
}

export class G722Encoder {
  private readonly low = new G722Band(32);
  private readonly high = new G722Band(8);
  private readonly x = new Int32Array(24);
  private readonly acc = new Int32Array(2);

  /** Encodes `samples` (even) 16 kHz samples to samples/2 octets; returns octets written. */
  encode(pcm16k: Int16Array, samples: number, out: Uint8Array): number {
    const n = Math.min(samples >> 1, out.length);
    const { x, acc, low, high } = this;
    for (let j = 0; j < n; j++) {
      // Transmit QMF (§6.1.1.1): shift two new samples into the delay line.
      x.copyWithin(0, 2);
      x[22] = pcm16k[2 * j]!;
      x[23] = pcm16k[2 * j + 1]!;
      qmf(x, acc);
      // §3.2: xL = xA + xB, xH = xA − xB with xA the taps that include the newest sample.
      const xlow = (acc[0]! + acc[1]!) >> 14;
      const xhigh = (acc[1]! - acc[0]!) >> 14;

      // Lower band: SUBTRA, QUANTL (Block 1L)
      const el = saturate(xlow - low.s);
      const wdl = el >= 0 ? el : -(el + 1);
      let i = 1;
      while (i < 30 && wdl >= (Q6[i]! * low.det) >> 12) i++;
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
  private readonly x = new Int32Array(24);
  private readonly acc = new Int32Array(2);

  /** Decodes `bytes` octets to 2 × bytes samples at 16 kHz (truncated to `out`); returns samples. */
  decode(payload: Uint8Array, bytes: number, out: Int16Array): number {
    const n = Math.min(bytes, out.length >> 1);
    const { x, acc, low, high } = this;
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
      x.copyWithin(0, 2);
      x[22] = rlow + rhigh;
      x[23] = rlow - rhigh;
      qmf(x, acc);
      // Output order: the odd-tap sum is the earlier sample. Saturate where ffmpeg wraps.
      out[2 * j] = saturate(acc[1]! >> 11);
      out[2 * j + 1] = saturate(acc[0]! >> 11);
    }
    return 2 * n;
  }
}
