/**
 * The metrics of spec/rest-api.md move as a real call happens: the app accepts a sipp call and
 * streams it, then the caller hangs up; /metrics shows the call, the socket, the frames, the
 * webhooks and the duration.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import { callGateway, defaultKeys, sippMessages } from "../support/sipp-media.ts";
import { CallSocket } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox");

/** The value of one sample line (`name{labels}`) in the exposition. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in /metrics`);
  return Number(line.slice(series.length + 1));
}

describe.skipIf(skip)("metrics during a real call", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  });
  afterAll(async () => {
    await rig?.stop();
  });

  test("calls, trunk calls, sockets, frames, webhooks and duration move; active calls return to 0", async () => {
    const metrics = async () => (await fetch(`${rig.httpUrl}/metrics`)).text();
    const before = await metrics();
    expect(sample(before, 'xbridge_calls_total{direction="inbound"}')).toBe(0);

    const dir = makeTempDir("calls-metrics");
    const { sipp } = await callGateway({
      dir,
      gatewaySipPort: rig.sipPort,
      scenario: "uac_rtp.xml",
      keys: defaultKeys(dir),
      durationMs: 2500,
    });
    const req = await rig.app.waitForIncoming(1, 5000);
    const ws = await CallSocket.connect({
      baseUrl: rig.httpUrl,
      callId: req.body.call_id,
      apiKey: rig.apiKey,
    });
    await ws.waitFor("start", 5000);
    await ws.waitForAudio(25, 5000);

    const during = await metrics();
    expect(sample(during, "xbridge_active_calls")).toBe(1);
    expect(sample(during, "xbridge_ws_connections")).toBe(1);
    expect(sample(during, 'xbridge_calls_total{direction="inbound"}')).toBe(1);
    expect(sample(during, "xbridge_trunk_calls_total")).toBe(1);
    expect(sample(during, 'xbridge_incoming_webhooks_total{result="accept"}')).toBe(1);
    expect(sample(during, 'xbridge_ws_frames_total{direction="sent"}')).toBeGreaterThan(20);
    // The WS upgrade is an API-group request (rest-api.md §1.1).
    expect(sample(during, "xbridge_http_requests_total")).toBeGreaterThanOrEqual(1);

    expect(await waitExit(sipp, 10_000), sippMessages(dir)).toBe(0);
    await rig.app.waitForEvent((e) => e.call_id === req.body.call_id && e.event === "call.ended", 5000);
    await ws.closed;
    // Delivery of call.ended is counted once its POST succeeded: poll briefly for it.
    let after = await metrics();
    for (let i = 0; i < 50 && sample(after, 'xbridge_webhooks_total{result="success"}') < 2; i++) {
      await Bun.sleep(20);
      after = await metrics();
    }
    expect(sample(after, "xbridge_active_calls")).toBe(0);
    expect(sample(after, "xbridge_ws_connections")).toBe(0);
    expect(sample(after, "xbridge_call_duration_seconds_count")).toBe(1);
    expect(sample(after, 'xbridge_webhooks_total{result="success"}')).toBeGreaterThanOrEqual(2); // answered + ended
    expect(sample(after, 'xbridge_webhooks_total{result="failure"}')).toBe(0);
    expect(sample(after, "xbridge_webhook_dlq_entries")).toBe(0);
    expect(sample(after, "xbridge_webhook_duration_seconds_count")).toBeGreaterThanOrEqual(3); // incoming + 2 events
  }, 25_000);
});
