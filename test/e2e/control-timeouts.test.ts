/**
 * `gateway_timeout` through the REAL gateway process (rest-api.md §1.4 "remote side did not
 * answer a mid-call request in time (32 s)", §3 hold/transfer rows; sip.md §7 hold, §8 blind
 * transfer; RFC 3261 §17.1.1.2 Timer B and §17.1.2.2 Timer F = 64·T1 = 32 s): a sipp caller
 * (uac_control_silent.xml) receives the gateway's hold re-INVITE — or its REFER — and answers
 * nothing. POST /hold and POST /transfer must answer 504 after about 32 s and leave the call
 * as it was (in_progress, no call.hold, no call.ended), and the call still hangs up cleanly.
 * Each wait is 32 s, so both calls run at once: beforeAll places them and fires both requests,
 * and each test awaits its own answer (the file takes ~35 s, not ~70 s). Meanwhile a third
 * call (uac_control_resume_refuse.xml) accepts the hold and refuses the resume with 488: POST
 * /resume answers 502 naming 488 and the call stays on_hold (RFC 3261 §14.1).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { makeTempDir, type PeerProcess, skipWithout, waitExit } from "../support/peers.ts";
import { callGateway, defaultKeys, sippMessages } from "../support/sipp-media.ts";

const skip = skipWithout("sipp", "sox");
/** RFC 3261 Timer B / Timer F with T1 = 500 ms. */
const TIMER_MS = 32_000;
/** The answer may come a little late on a loaded machine, never before the timer. */
const LATE_MARGIN_MS = 6_000;

interface SilentCall {
  dir: string;
  sipp: PeerProcess;
  callId: string;
  /** The POST in flight, with the time it took. */
  answer: Promise<{ status: number; body: Record<string, unknown>; elapsedMs: number }>;
}

describe.skipIf(skip)(
  "mid-call requests the remote never answers or refuses (sipp caller, gateway process)",
  () => {
    let rig: CallRig;
    let hold: SilentCall;
    let transfer: SilentCall;
    let refusing: Omit<SilentCall, "answer">;

    async function place(name: string, scenario: string, silent = ""): Promise<Omit<SilentCall, "answer">> {
      const dir = makeTempDir(`control-timeout-${name}`);
      const { sipp } = await callGateway({
        dir,
        gatewaySipPort: rig.sipPort,
        scenario,
        placeholders: { SILENT_REQUEST: silent },
        keys: defaultKeys(dir),
        timeoutS: 60,
        name: `sipp-${name}`,
      });
      const n = rig.app.incoming.length;
      const callId = (await rig.app.waitForIncoming(n + 1, 5000)).body.call_id;
      return { dir, sipp, callId };
    }

    function post(callId: string, action: string, body?: unknown): SilentCall["answer"] {
      const started = performance.now();
      return rig
        .api(`/v1/calls/${callId}/${action}`, {
          method: "POST",
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
        })
        .then(async (res) => ({
          status: res.status,
          body: (await res.json()) as Record<string, unknown>,
          elapsedMs: performance.now() - started,
        }));
    }

    async function status(callId: string): Promise<unknown> {
      const res = await rig.api(`/v1/calls/${callId}`);
      return res.status === 200 ? ((await res.json()) as { status: string }).status : `HTTP ${res.status}`;
    }

    /** After the 504 the call still hangs up normally: DELETE → BYE, which sipp answers. */
    async function hangUp(call: Omit<SilentCall, "answer">): Promise<void> {
      expect((await rig.api(`/v1/calls/${call.callId}`, { method: "DELETE" })).status).toBe(204);
      expect(await waitExit(call.sipp, 5000), sippMessages(call.dir)).toBe(0);
    }

    beforeAll(async () => {
      rig = await startCallRig();
      // One after the other: waitForIncoming counts calls, so two at once could swap their ids.
      const h = await place("hold", "uac_control_silent.xml", "INVITE");
      const t = await place("transfer", "uac_control_silent.xml", "REFER");
      refusing = await place("resume", "uac_control_resume_refuse.xml");
      for (const c of [h, t, refusing])
        await rig.app.waitForEvent((e) => e.call_id === c.callId && e.event === "call.answered", 5000);
      hold = { ...h, answer: post(h.callId, "hold") };
      transfer = { ...t, answer: post(t.callId, "transfer", { target: "sip:carol@127.0.0.1:5999" }) };
    }, 20_000);

    afterAll(async () => {
      for (const c of [hold, transfer, refusing]) await c?.sipp.stop();
      await rig?.stop();
    });

    test("POST /resume answers 502 bad_gateway naming 488 when the remote refuses the resume re-INVITE, and the call stays on_hold", async () => {
      const callId = refusing.callId;
      const held = await post(callId, "hold");
      expect(held.status, sippMessages(refusing.dir)).toBe(200);
      expect(held.body).toMatchObject({ call_id: callId, status: "on_hold" });
      const resumed = await post(callId, "resume");
      expect(resumed.status, sippMessages(refusing.dir)).toBe(502);
      expect(resumed.body.error).toBe("bad_gateway");
      expect(String(resumed.body.message)).toContain("488");
      expect(await status(callId)).toBe("on_hold");
      const events = rig.app.eventsOf(callId).map((e) => e.event);
      expect(events).toContain("call.hold");
      expect(events).not.toContain("call.resumed");
      await hangUp(refusing);
    }, 15_000);

    test(
      "POST /hold answers 504 gateway_timeout after 32 s when the re-INVITE is never answered, and the call stays in_progress and not held",
      async () => {
        const r = await hold.answer;
        expect(r.status, sippMessages(hold.dir)).toBe(504);
        expect(r.body.error).toBe("gateway_timeout");
        expect(r.elapsedMs).toBeGreaterThanOrEqual(TIMER_MS - 500);
        expect(r.elapsedMs).toBeLessThan(TIMER_MS + LATE_MARGIN_MS);
        expect(await status(hold.callId)).toBe("in_progress");
        const events = rig.app.eventsOf(hold.callId).map((e) => e.event);
        expect(events).not.toContain("call.hold");
        expect(events).not.toContain("call.ended");
        expect(sippMessages(hold.dir)).toMatch(/INVITE sip:[^\n]*SIP\/2\.0[\s\S]*a=sendonly/);
        await hangUp(hold);
      },
      TIMER_MS + LATE_MARGIN_MS + 10_000,
    );

    test(
      "POST /transfer answers 504 gateway_timeout after 32 s when the REFER is never answered, and the call stays in_progress",
      async () => {
        const r = await transfer.answer;
        expect(r.status, sippMessages(transfer.dir)).toBe(504);
        expect(r.body.error).toBe("gateway_timeout");
        expect(r.elapsedMs).toBeGreaterThanOrEqual(TIMER_MS - 500);
        expect(r.elapsedMs).toBeLessThan(TIMER_MS + LATE_MARGIN_MS);
        expect(await status(transfer.callId)).toBe("in_progress");
        const events = rig.app.eventsOf(transfer.callId).map((e) => e.event);
        expect(events).not.toContain("call.transfer_failed");
        expect(events).not.toContain("call.ended");
        expect(sippMessages(transfer.dir)).toMatch(/REFER sip:[^\n]*SIP\/2\.0[\s\S]*Refer-To:[^\n]*carol/);
        await hangUp(transfer);
      },
      TIMER_MS + LATE_MARGIN_MS + 10_000,
    );
  },
);
