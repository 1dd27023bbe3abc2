/**
 * Prometheus histograms (spec/rest-api.md "GET /metrics"): per-bucket counts are kept
 * non-cumulative so an observation touches one slot; the scrape renders them cumulative with
 * `le` in shortest decimal form, then `le="+Inf"`, `_sum` and `_count`.
 */
import { familyHeader, formatValue, type MetricFamily } from "./exposition.ts";

export class Histogram implements MetricFamily {
  private readonly header: string;
  private readonly bucketPrefixes: readonly string[];
  /** counts[i] = observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
  private readonly counts: Float64Array;
  private total = 0;
  private observations = 0;

  constructor(
    readonly name: string,
    help: string,
    private readonly bounds: readonly number[],
  ) {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`${name}: bucket bounds must increase`);
    }
    this.header = familyHeader(name, help, "histogram");
    this.bucketPrefixes = [...bounds, Number.POSITIVE_INFINITY].map(
      (b) => `${name}_bucket{le="${formatValue(b)}"} `,
    );
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value; NaN is dropped because it would poison `_sum` for the process lifetime. */
  observe(v: number): void {
    if (Number.isNaN(v)) return;
    const b = this.bounds;
    let i = 0;
    // `le` is an inclusive upper bound, so a value equal to a bound belongs to that bucket.
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.total += v;
    this.observations++;
  }

  get count(): number {
    return this.observations;
  }

  get sum(): number {
    return this.total;
  }

  render(): string {
    let out = this.header;
    let cumulative = 0;
    for (let i = 0; i < this.counts.length; i++) {
      cumulative += this.counts[i]!;
      out += `${this.bucketPrefixes[i]}${formatValue(cumulative)}\n`;
    }
    out += `${this.name}_sum ${formatValue(this.total)}\n${this.name}_count ${formatValue(this.observations)}\n`;
    return out;
  }
}
