/**
 * Prometheus text exposition format 0.0.4 (spec/rest-api.md "GET /metrics"): value and label
 * formatting shared by every metric type. Everything here runs once per child at creation or
 * once per scrape, never per increment.
 */

/** `Content-Type` of a scrape response (Prometheus text format version 0.0.4). */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type MetricType = "counter" | "gauge" | "histogram";

/** A metric family renders its `# HELP`, `# TYPE` and sample lines, each ending in `\n`. */
export interface MetricFamily {
  readonly name: string;
  render(): string;
}

/**
 * Sample values and `le` bounds: the shortest decimal that round-trips (`0.005`, `1`, `2.5`,
 * which is what `String(n)` yields), and the format's spellings of the non-finite values.
 */
export function formatValue(n: number): string {
  if (Number.isFinite(n)) return String(n);
  if (Number.isNaN(n)) return "NaN";
  return n > 0 ? "+Inf" : "-Inf";
}

/** Label values escape `\`, `"` and line feed, as the text format requires. */
function escapeLabelValue(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** HELP text escapes `\` and line feed (quotes stay as they are). */
export function escapeHelp(help: string): string {
  return help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/** The two comment lines that open a family. */
export function familyHeader(name: string, help: string, type: MetricType): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}

/** `name{label="value"} ` — no space before `{` (Δ upstream prints one). */
export function labeledPrefix(name: string, label: string, value: string): string {
  return `${name}{${label}="${escapeLabelValue(value)}"} `;
}
