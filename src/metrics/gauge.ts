/**
 * Prometheus gauges (spec/rest-api.md "GET /metrics"). A gauge is either set by its owner
 * (`xbridge_ws_connections`) or read from a collector callback at scrape time
 * (`xbridge_active_calls` reads the call registry size), so no module has to mirror another's
 * state. Labeled gauges here have dynamic label values (`xbridge_trunk_registered{trunk}`).
 */
import { familyHeader, formatValue, labeledPrefix, type MetricFamily } from "./exposition.ts";

/** A gauge without labels. */
export class Gauge implements MetricFamily {
  private readonly header: string;
  private readonly prefix: string;
  private current = 0;
  private collector: (() => number) | undefined;

  constructor(
    readonly name: string,
    help: string,
  ) {
    this.header = familyHeader(name, help, "gauge");
    this.prefix = `${name} `;
  }

  set(n: number): void {
    this.current = n;
  }

  inc(n = 1): void {
    this.current += n;
  }

  dec(n = 1): void {
    this.current -= n;
  }

  /** Reads the value from `fn` at every scrape instead of the stored one. */
  collect(fn: () => number): void {
    this.collector = fn;
  }

  get value(): number {
    return this.collector === undefined ? this.current : this.collector();
  }

  render(): string {
    return `${this.header}${this.prefix}${formatValue(this.value)}\n`;
  }
}

interface GaugeChild {
  readonly prefix: string;
  value: number;
}

/**
 * A gauge with one label whose values appear at run time. Samples render in first-set order,
 * so the composition root sets every configured trunk to 0 at start (config order, and the
 * spec's "every listed label value is always present").
 */
export class LabeledGauge implements MetricFamily {
  private readonly header: string;
  private readonly children = new Map<string, GaugeChild>();

  constructor(
    readonly name: string,
    help: string,
    private readonly label: string,
  ) {
    this.header = familyHeader(name, help, "gauge");
  }

  set(labelValue: string, n: number): void {
    const c = this.children.get(labelValue);
    if (c !== undefined) c.value = n;
    else
      this.children.set(labelValue, { prefix: labeledPrefix(this.name, this.label, labelValue), value: n });
  }

  /** The current value for `labelValue`, undefined when it was never set. */
  get(labelValue: string): number | undefined {
    return this.children.get(labelValue)?.value;
  }

  render(): string {
    let out = this.header;
    for (const c of this.children.values()) out += `${c.prefix}${formatValue(c.value)}\n`;
    return out;
  }
}
