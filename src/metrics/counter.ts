/**
 * Prometheus counters (spec/rest-api.md "GET /metrics"): monotonic, start at 0. Labeled
 * counters have a fixed set of label values, each bound to a child at creation, so every value
 * is rendered from the first scrape and an increment is a map lookup plus an add — no string
 * building (ws frames are counted 50 times a second per call).
 */
import { familyHeader, formatValue, labeledPrefix, type MetricFamily } from "./exposition.ts";

/** One counter value with its precomputed sample-line prefix. */
export class CounterChild {
  private count = 0;

  constructor(readonly prefix: string) {}

  /** Adds `n` (default 1); negative or NaN amounts are ignored because a counter never goes down. */
  inc(n = 1): void {
    if (n > 0) this.count += n;
  }

  get value(): number {
    return this.count;
  }
}

/** A counter without labels. */
export class Counter implements MetricFamily {
  private readonly header: string;
  private readonly child: CounterChild;

  constructor(
    readonly name: string,
    help: string,
  ) {
    this.header = familyHeader(name, help, "counter");
    this.child = new CounterChild(`${name} `);
  }

  inc(n = 1): void {
    this.child.inc(n);
  }

  get value(): number {
    return this.child.value;
  }

  render(): string {
    return `${this.header}${this.child.prefix}${formatValue(this.child.value)}\n`;
  }
}

/** A counter with one label whose values are all known up front (e.g. `direction`). */
export class LabeledCounter<V extends string> implements MetricFamily {
  private readonly header: string;
  private readonly children = new Map<V, CounterChild>();

  constructor(
    readonly name: string,
    help: string,
    label: string,
    values: readonly V[],
  ) {
    this.header = familyHeader(name, help, "counter");
    for (const v of values) this.children.set(v, new CounterChild(labeledPrefix(name, label, v)));
  }

  /** The pre-bound child for `value`: keep it to make hot-path increments a single add. */
  child(value: V): CounterChild {
    return this.children.get(value)!;
  }

  inc(value: V, n = 1): void {
    this.children.get(value)!.inc(n);
  }

  render(): string {
    let out = this.header;
    for (const c of this.children.values()) out += `${c.prefix}${formatValue(c.value)}\n`;
    return out;
  }
}
