import { describe, expect, test } from "bun:test";
import { createMetrics } from "../../src/metrics/metrics.ts";

/** The sample lines of one family, in rendered order. */
function samples(text: string, family: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${family}{`) || l.startsWith(`${family} `) || l.startsWith(`${family}_`));
}

const ALL_FAMILIES: Array<[string, string]> = [
  ["xbridge_calls_total", "counter"],
  ["xbridge_active_calls", "gauge"],
  ["xbridge_call_duration_seconds", "histogram"],
  ["xbridge_http_requests_total", "counter"],
  ["xbridge_http_request_duration_seconds", "histogram"],
  ["xbridge_ws_connections", "gauge"],
  ["xbridge_ws_frames_total", "counter"],
  ["xbridge_webhooks_total", "counter"],
  ["xbridge_webhook_duration_seconds", "histogram"],
  ["xbridge_trunk_calls_total", "counter"],
  ["xbridge_rate_limit_rejections_total", "counter"],
  ["xbridge_incoming_webhooks_total", "counter"],
  ["xbridge_webhook_dlq_entries", "gauge"],
  ["xbridge_trunk_registered", "gauge"],
];

describe("createMetrics exposition (rest-api.md GET /metrics)", () => {
  test("declares every spec family with HELP and TYPE lines, in table order", () => {
    const text = createMetrics().render();
    const types = text
      .split("\n")
      .filter((l) => l.startsWith("# TYPE "))
      .map((l) => l.slice("# TYPE ".length).split(" "));
    expect(types).toEqual(ALL_FAMILIES);
    for (const [name] of ALL_FAMILIES) expect(text).toMatch(new RegExp(`^# HELP ${name} \\S.*$`, "m"));
  });

  test("renders every listed label value at zero before anything happened", () => {
    const text = createMetrics().render();
    expect(samples(text, "xbridge_calls_total")).toEqual([
      'xbridge_calls_total{direction="inbound"} 0',
      'xbridge_calls_total{direction="outbound"} 0',
    ]);
    expect(samples(text, "xbridge_ws_frames_total")).toEqual([
      'xbridge_ws_frames_total{direction="sent"} 0',
      'xbridge_ws_frames_total{direction="received"} 0',
    ]);
    expect(samples(text, "xbridge_webhooks_total")).toEqual([
      'xbridge_webhooks_total{result="success"} 0',
      'xbridge_webhooks_total{result="failure"} 0',
    ]);
    expect(samples(text, "xbridge_incoming_webhooks_total")).toEqual([
      'xbridge_incoming_webhooks_total{result="accept"} 0',
      'xbridge_incoming_webhooks_total{result="reject"} 0',
      'xbridge_incoming_webhooks_total{result="error"} 0',
    ]);
    expect(samples(text, "xbridge_rate_limit_rejections_total")).toEqual([
      "xbridge_rate_limit_rejections_total 0",
    ]);
    expect(samples(text, "xbridge_webhook_dlq_entries")).toEqual(["xbridge_webhook_dlq_entries 0"]);
  });

  test("prints no space between a metric name and its label set", () => {
    const m = createMetrics();
    m.callsTotal.inc("inbound");
    m.callsTotal.inc("inbound");
    m.callsTotal.inc("inbound");
    expect(m.render()).toContain('\nxbridge_calls_total{direction="inbound"} 3\n');
    expect(m.render()).not.toMatch(/xbridge_\w+ \{/);
  });

  test("renders an empty HTTP latency histogram with shortest-decimal bounds, +Inf, _sum and _count", () => {
    expect(samples(createMetrics().render(), "xbridge_http_request_duration_seconds")).toEqual([
      'xbridge_http_request_duration_seconds_bucket{le="0.005"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="0.01"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="0.025"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="0.05"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="0.1"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="0.25"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="0.5"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="1"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="2.5"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="5"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="10"} 0',
      'xbridge_http_request_duration_seconds_bucket{le="+Inf"} 0',
      "xbridge_http_request_duration_seconds_sum 0",
      "xbridge_http_request_duration_seconds_count 0",
    ]);
  });

  test("counts call durations cumulatively, a value equal to a bound falling in that bucket", () => {
    const m = createMetrics();
    for (const v of [0, 1, 7, 3600, 4000]) m.callDurationSeconds.observe(v);
    expect(samples(m.render(), "xbridge_call_duration_seconds")).toEqual([
      'xbridge_call_duration_seconds_bucket{le="1"} 2',
      'xbridge_call_duration_seconds_bucket{le="5"} 2',
      'xbridge_call_duration_seconds_bucket{le="10"} 3',
      'xbridge_call_duration_seconds_bucket{le="30"} 3',
      'xbridge_call_duration_seconds_bucket{le="60"} 3',
      'xbridge_call_duration_seconds_bucket{le="120"} 3',
      'xbridge_call_duration_seconds_bucket{le="300"} 3',
      'xbridge_call_duration_seconds_bucket{le="600"} 3',
      'xbridge_call_duration_seconds_bucket{le="1800"} 3',
      'xbridge_call_duration_seconds_bucket{le="3600"} 4',
      'xbridge_call_duration_seconds_bucket{le="+Inf"} 5',
      "xbridge_call_duration_seconds_sum 7608",
      "xbridge_call_duration_seconds_count 5",
    ]);
  });

  test("reads the active-calls gauge from its collector at every scrape", () => {
    const m = createMetrics();
    let size = 2;
    m.activeCalls.collect(() => size);
    expect(samples(m.render(), "xbridge_active_calls")).toEqual(["xbridge_active_calls 2"]);
    size = 5;
    expect(samples(m.render(), "xbridge_active_calls")).toEqual(["xbridge_active_calls 5"]);
  });

  test("tracks open WebSockets up and down", () => {
    const m = createMetrics();
    m.wsConnections.inc();
    m.wsConnections.inc();
    m.wsConnections.dec();
    expect(samples(m.render(), "xbridge_ws_connections")).toEqual(["xbridge_ws_connections 1"]);
  });

  test("pre-bound ws frame children add to the rendered family", () => {
    const m = createMetrics();
    const sent = m.wsFramesTotal.child("sent");
    for (let i = 0; i < 50; i++) sent.inc();
    m.wsFramesTotal.inc("received", 3);
    expect(samples(m.render(), "xbridge_ws_frames_total")).toEqual([
      'xbridge_ws_frames_total{direction="sent"} 50',
      'xbridge_ws_frames_total{direction="received"} 3',
    ]);
  });

  test("lists trunks in first-set order, flips them between 0 and 1, and escapes quotes in names", () => {
    const m = createMetrics();
    m.trunkRegistered.set("telnyx", 0);
    m.trunkRegistered.set('we"ird\\name', 0);
    m.trunkRegistered.set("telnyx", 1);
    expect(samples(m.render(), "xbridge_trunk_registered")).toEqual([
      'xbridge_trunk_registered{trunk="telnyx"} 1',
      'xbridge_trunk_registered{trunk="we\\"ird\\\\name"} 0',
    ]);
    expect(m.trunkRegistered.get("telnyx")).toBe(1);
    expect(m.trunkRegistered.get("unknown")).toBeUndefined();
  });

  test("ends every line, including the last, with a line feed", () => {
    const text = createMetrics().render();
    expect(text.endsWith("\n")).toBe(true);
    expect(text).not.toContain("\n\n");
  });
});
