import { describe, expect, test } from "bun:test";
import { Counter, LabeledCounter } from "../../src/metrics/counter.ts";
import { escapeHelp, formatValue } from "../../src/metrics/exposition.ts";
import { Histogram } from "../../src/metrics/histogram.ts";

describe("metric primitives", () => {
  test("a counter ignores negative and NaN increments because it never goes down", () => {
    const c = new Counter("x_total", "x");
    c.inc(2);
    c.inc(-5);
    c.inc(Number.NaN);
    expect(c.value).toBe(2);
    expect(c.render()).toBe("# HELP x_total x\n# TYPE x_total counter\nx_total 2\n");
  });

  test("a labeled counter's child and its inc(value) share one sample", () => {
    const c = new LabeledCounter<"a" | "b">("y_total", "y", "k", ["a", "b"]);
    c.child("b").inc();
    c.inc("b", 2);
    expect(c.child("b").value).toBe(3);
    expect(c.child("a").value).toBe(0);
  });

  test("a histogram drops NaN so _sum stays a number", () => {
    const h = new Histogram("h", "h", [1]);
    h.observe(Number.NaN);
    h.observe(0.5);
    expect([h.count, h.sum]).toEqual([1, 0.5]);
    expect(h.render()).toContain('h_bucket{le="+Inf"} 1\nh_sum 0.5\nh_count 1\n');
  });

  test("a histogram refuses bucket bounds that do not increase", () => {
    expect(() => new Histogram("h", "h", [1, 1])).toThrow("bucket bounds must increase");
  });

  test("formats values in shortest decimal form and spells non-finite values as the format does", () => {
    expect(
      [0.005, 1, 2.5, 1e-7, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN].map(formatValue),
    ).toEqual(["0.005", "1", "2.5", "1e-7", "+Inf", "-Inf", "NaN"]);
  });

  test("escapes backslash and line feed in HELP text", () => {
    expect(escapeHelp("a\\b\nc")).toBe("a\\\\b\\nc");
  });
});
