/**
 * Inbound call decision end to end (spec/webhooks.md §2–§3, issue #5): sipp calls the real
 * gateway's trunk host; a fake app answers `POST {webhook.url}/incoming`. Checks the request
 * body, the SIP final response the caller gets for every app behaviour, the lifecycle events
 * that follow, CANCEL while the app is deciding, and an app that is down (503 + DLQ).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, type Decision, type LifecycleEvent, startCallRig } from "../support/app-server.ts";
import { makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import { callGateway, defaultKeys, sippMessages } from "../support/sipp-media.ts";

const skip = skipWithout("sipp", "sox");
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Runs one sipp call and returns its exit code (0 = the scenario's expectations held). */
async function sippCall(
  rig: CallRig,
  scenario: string,
  placeholders: Record<string, string> = {},
  durationMs = 1000,
) {
  const dir = makeTempDir("calls-decision");
  const { sipp } = await callGateway({
    dir,
    gatewaySipPort: rig.sipPort,
    scenario,
    placeholders,
    keys: defaultKeys(dir),
    durationMs,
  });
  const exit = await waitExit(sipp, 15_000);
  if (exit === undefined) await sipp.stop();
  return { exit, trace: () => sippMessages(dir) };
}

async function endedEvent(rig: CallRig, from: number): Promise<LifecycleEvent> {
  const req = await rig.app.waitForIncoming(from + 1, 5000);
  return rig.app.waitForEvent(
    (e) => e.call_id === req.body.call_id && e.event === "call.ended",
    5000,
    `call.ended of ${req.body.call_id}`,
  );
}

describe.skipIf(skip)("incoming call decision (webhooks.md §2)", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig({ timeout: "1s" });
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("POSTs /incoming with call_id, from, to, direction and peer, answers 200 on accept, then reports answered and ended(normal)", async () => {
    rig.app.decide = () => ({ kind: "accept" });
    const n = rig.app.incoming.length;
    const { exit, trace } = await sippCall(rig, "uac_rtp.xml", {}, 1500);
    expect(exit, trace()).toBe(0);
    const req = rig.app.incoming[n]!;
    expect(req.path).toBe("/events/incoming");
    expect(req.headers["content-type"]).toContain("application/json");
    expect(req.headers["user-agent"]).toMatch(/^xbridge\//);
    expect(req.body).toMatchObject({ from: "sipp", to: "echo", direction: "inbound", peer: "local" });
    expect(req.body.call_id).toMatch(/^CA/);
    const ended = await endedEvent(rig, n);
    const events = rig.app.eventsOf(req.body.call_id);
    expect(events.map((e) => e.event)).toEqual(["call.answered", "call.ended"]);
    expect(ended).toMatchObject({ reason: "normal", duration: 1 });
    for (const e of events) expect(e.timestamp).toMatch(ISO_MS);
    expect(rig.app.events.find((e) => e.body.call_id === req.body.call_id)?.path).toBe("/events");
  }, 20_000);

  const rejects: Array<[string, Decision, number]> = [
    ["reason busy", { kind: "reject", reason: "busy" }, 486],
    ["no reason", { kind: "reject" }, 486],
    ["reason declined", { kind: "reject", reason: "declined" }, 603],
    ["reason rejected", { kind: "reject", reason: "rejected" }, 603],
    ["reason unavailable", { kind: "reject", reason: "unavailable" }, 480],
    ["reason not_found", { kind: "reject", reason: "not_found" }, 404],
    ["reason forbidden", { kind: "reject", reason: "forbidden" }, 403],
    ["an unknown reason", { kind: "reject", reason: "on-vacation" }, 486],
    ["sip_code 488", { kind: "reject", reason: "busy", sipCode: 488 }, 488],
  ];
  for (const [label, decision, code] of rejects) {
    test(`a reject with ${label} gives the caller ${code} and one call.ended(rejected, sip_code ${code})`, async () => {
      rig.app.decide = () => decision;
      const n = rig.app.incoming.length;
      const { exit, trace } = await sippCall(rig, "uac_refused.xml", { EXPECT_CODE: String(code) });
      expect(exit, trace()).toBe(0);
      const ended = await endedEvent(rig, n);
      expect(ended).toMatchObject({ reason: "rejected", duration: 0, sip_code: code });
      expect(rig.app.eventsOf(ended.call_id).map((e) => e.event)).toEqual(["call.ended"]);
    }, 20_000);
  }

  const failures: Array<[string, Decision]> = [
    ["answers HTTP 500", { kind: "status", status: 500 }],
    ["answers a body that is not JSON", { kind: "garbage" }],
    ["answers JSON without action", { kind: "status", status: 200, body: '{"stream":true}' }],
    ["answers an unknown action", { kind: "status", status: 200, body: '{"action":"maybe"}' }],
    ["answers a 3xx (not followed)", { kind: "status", status: 302 }],
    ["answers after webhook.timeout", { kind: "accept", delayMs: 1500 }],
  ];
  for (const [label, decision] of failures) {
    test(`the caller gets 503 and call.ended(error) when the app ${label}`, async () => {
      rig.app.decide = () => decision;
      const n = rig.app.incoming.length;
      const { exit, trace } = await sippCall(rig, "uac_refused.xml", { EXPECT_CODE: "503" });
      expect(exit, trace()).toBe(0);
      expect(await endedEvent(rig, n)).toMatchObject({ reason: "error", duration: 0 });
    }, 20_000);
  }

  test("a CANCEL while the app decides gets 200, the INVITE 487, and the app's late accept is ignored", async () => {
    rig.app.decide = () => ({ kind: "accept", delayMs: 800 });
    const n = rig.app.incoming.length;
    const { exit, trace } = await sippCall(rig, "uac_cancel.xml", { CANCEL_MS: "200" });
    expect(exit, trace()).toBe(0);
    const ended = await endedEvent(rig, n);
    expect(ended).toMatchObject({ reason: "cancelled", duration: 0 });
    await Bun.sleep(1000); // the late accept arrives meanwhile
    expect(rig.app.eventsOf(ended.call_id).map((e) => e.event)).toEqual(["call.ended"]);
    const list = (await (await rig.api("/v1/calls")).json()) as { calls: Array<{ call_id: string }> };
    expect(list.calls.map((c) => c.call_id)).not.toContain(ended.call_id);
  }, 20_000);
});

describe.skipIf(skip)("app down (webhooks.md §2, §5)", () => {
  let rig: CallRig;
  beforeAll(async () => {
    // Port 9 (discard) has no listener on loopback: connection refused.
    rig = await startCallRig({ webhookUrl: "http://127.0.0.1:9/events", retry: 1, timeout: "1s" });
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("the caller gets 503 and the undeliverable call.ended(error) lands in the DLQ after 1 + retry attempts", async () => {
    const { exit, trace } = await sippCall(rig, "uac_refused.xml", { EXPECT_CODE: "503" });
    expect(exit, trace()).toBe(0);
    type Failures = {
      failures: Array<{ event: LifecycleEvent; url: string; error: string; attempts: number }>;
    };
    let failures: Failures["failures"] = [];
    const deadline = performance.now() + 5000;
    while (failures.length === 0 && performance.now() < deadline) {
      failures = ((await (await rig.api("/v1/webhooks/failures")).json()) as Failures).failures;
      if (failures.length === 0) await Bun.sleep(100);
    }
    expect(failures).toHaveLength(1);
    expect(failures[0]!.event).toMatchObject({ event: "call.ended", reason: "error" });
    expect(failures[0]!.url).toBe("http://127.0.0.1:9/events");
    expect(failures[0]!.attempts).toBe(2);
    expect(failures[0]!.error).not.toMatch(/^HTTP/);
  }, 20_000);
});
