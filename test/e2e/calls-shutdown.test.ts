/**
 * Graceful shutdown with a live call (spec/README.md "Process lifecycle" step 4): SIGTERM ends
 * the call with BYE, sends `stop` and closes the socket with 1001, delivers call.ended(shutdown)
 * to the app before the process exits 0, all within the 10 s cap.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import { callGateway, defaultKeys, sippMessages } from "../support/sipp-media.ts";
import { CallSocket } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox");

describe.skipIf(skip)("shutdown with a call in progress", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig({ decide: () => ({ kind: "accept", stream: true }) });
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("SIGTERM sends the caller a BYE, the socket stop + 1001, the app call.ended(shutdown), then exits 0", async () => {
    const dir = makeTempDir("calls-shutdown");
    const { sipp } = await callGateway({
      dir,
      gatewaySipPort: rig.sipPort,
      scenario: "uac_wait_bye.xml",
      keys: defaultKeys(dir),
      durationMs: 1000,
      timeoutS: 20,
    });
    const req = await rig.app.waitForIncoming(1, 5000);
    const callId = req.body.call_id;
    const ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId, apiKey: rig.apiKey });
    await ws.waitFor("start", 5000);

    const signalledAt = performance.now();
    process.kill(rig.gw.proc.pid, "SIGTERM");

    expect(await waitExit(rig.gw.proc, 10_000), rig.gw.proc.log()).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(10_000);
    // The caller got our BYE and answered it (its scenario ends only on a BYE).
    expect(await waitExit(sipp, 5000), sippMessages(dir)).toBe(0);
    expect((await ws.closed).code).toBe(1001);
    expect(ws.messages("stop")).toHaveLength(1);
    // Delivered before exit: the app already has it.
    const ended = rig.app.eventsOf(callId).find((e) => e.event === "call.ended");
    expect(ended?.reason).toBe("shutdown");
    expect(rig.app.eventsOf(callId).filter((e) => e.event === "call.ended")).toHaveLength(1);
  }, 30_000);
});
