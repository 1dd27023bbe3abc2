/**
 * Remote hold and resume by re-INVITE with sipp as the caller (sip.md §7, websocket.md §6,
 * webhooks.md §3, rest-api.md §2): sipp calls the real gateway, then re-INVITEs the call on
 * hold (`a=sendonly`, `a=inactive`, or RFC 2543's `c=IN IP4 0.0.0.0`) and back to `a=sendrecv`.
 * The scenario itself checks the SDP of both 200s (ereg check_it: `recvonly`/`inactive`, then
 * `sendrecv`); the test checks the app's `call.hold {by: "remote"}` then `call.resumed
 * {by: "remote"}`, `on_hold` on GET /v1/calls/{id} while held, and that the WebSocket's
 * outbound queue waits during the hold (a mark queued then is echoed only after the resume).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CallRig, LifecycleEvent } from "../support/app-server.ts";
import { startCallRig } from "../support/app-server.ts";
import { makeTempDir, type PeerProcess, skipWithout, waitExit } from "../support/peers.ts";
import { callGateway, defaultKeys, sippMessages } from "../support/sipp-media.ts";
import { tone } from "../support/tone.ts";
import { CallSocket } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox");
/** How long uac_reinvite_hold.xml keeps the call held (after its 1.5 s of talk). */
const HOLD_MS = 2500;

interface HoldVariant {
  /** What the hold re-INVITE says. */
  address: "[media_ip]" | "0.0.0.0";
  direction: "sendonly" | "inactive" | "sendrecv";
  /** The direction the gateway must answer with (RFC 3264 §6.1 mirror image). */
  expect: "recvonly" | "inactive";
}

interface HeldCall {
  sipp: PeerProcess;
  dir: string;
  callId: string;
  ws: CallSocket;
}

async function callAndHold(rig: CallRig, v: HoldVariant, name: string): Promise<HeldCall> {
  const dir = makeTempDir(`calls-hold-${name}`);
  const n = rig.app.incoming.length;
  const { sipp } = await callGateway({
    dir,
    gatewaySipPort: rig.sipPort,
    scenario: "uac_reinvite_hold.xml",
    placeholders: {
      HOLD_ADDRESS: v.address,
      HOLD_DIRECTION: v.direction,
      EXPECT_HOLD: v.expect,
      HOLD_MS: String(HOLD_MS),
    },
    keys: defaultKeys(dir),
    timeoutS: 15,
  });
  const req = await rig.app.waitForIncoming(n + 1, 5000);
  const ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId: req.body.call_id, apiKey: rig.apiKey });
  await ws.waitFor("start", 5000);
  return { sipp, dir, callId: req.body.call_id, ws };
}

async function callStatus(rig: CallRig, callId: string): Promise<string | undefined> {
  const res = await rig.api(`/v1/calls/${callId}`);
  if (res.status !== 200) return `HTTP ${res.status}`;
  const body = (await res.json()) as { status?: string };
  return body.status;
}

function holdEvents(rig: CallRig, callId: string): Array<Pick<LifecycleEvent, "event"> & { by: unknown }> {
  return rig.app
    .eventsOf(callId)
    .filter((e) => e.event === "call.hold" || e.event === "call.resumed")
    .map((e) => ({ event: e.event, by: e.by }));
}

/** Arrival time (performance.now()) at the fake app of the call's first `event`. */
function arrivedAt(rig: CallRig, callId: string, event: string): number {
  return rig.app.events.find((e) => e.body.call_id === callId && e.body.event === event)?.at ?? Number.NaN;
}

describe.skipIf(skip)("remote hold and resume by re-INVITE (sipp caller)", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  });
  afterAll(async () => {
    await rig?.stop();
  });

  test("a=sendonly re-INVITE is answered a=recvonly, the app gets call.hold {by: remote}, GET shows on_hold, and a mark queued meanwhile waits for the a=sendrecv resume", async () => {
    const call = await callAndHold(
      rig,
      { address: "[media_ip]", direction: "sendonly", expect: "recvonly" },
      "sendonly",
    );
    try {
      const held = await rig.app.waitForEvent(
        (e) => e.call_id === call.callId && e.event === "call.hold",
        5000,
        "call.hold",
      );
      expect(held.by).toBe("remote");
      expect(await callStatus(rig, call.callId)).toBe("on_hold");

      // websocket.md §6: while the remote holds, the outbound queue is paused and marks wait.
      call.ws.sendAudio(tone(440, 8000, 3200, 8000));
      call.ws.sendMark("queued-on-hold");
      const resumed = await rig.app.waitForEvent(
        (e) => e.call_id === call.callId && e.event === "call.resumed",
        HOLD_MS + 3000,
        "call.resumed",
      );
      expect(resumed.by).toBe("remote");
      const resumedAt = arrivedAt(rig, call.callId, "call.resumed");
      expect(await callStatus(rig, call.callId)).toBe("in_progress");
      const mark = await call.ws.waitFor("mark", 3000);
      expect(mark.message.mark).toEqual({ name: "queued-on-hold" });
      // 400 ms of queued audio plays out after the resume before the mark is echoed.
      expect(mark.at).toBeGreaterThan(resumedAt);

      expect(await waitExit(call.sipp, 8000), sippMessages(call.dir)).toBe(0);
      await call.ws.waitFor("stop", 3000);
      const ended = await rig.app.waitForEvent(
        (e) => e.call_id === call.callId && e.event === "call.ended",
        3000,
      );
      expect(ended.reason).toBe("normal");
      expect(holdEvents(rig, call.callId)).toEqual([
        { event: "call.hold", by: "remote" },
        { event: "call.resumed", by: "remote" },
      ]);
    } finally {
      call.ws.close();
      await call.sipp.stop();
    }
  }, 20_000);

  const variants: Array<[string, HoldVariant]> = [
    [
      "a=inactive re-INVITE is answered a=inactive",
      { address: "[media_ip]", direction: "inactive", expect: "inactive" },
    ],
    [
      "c=IN IP4 0.0.0.0 re-INVITE (RFC 2543 hold, a=sendrecv) is answered a=recvonly",
      { address: "0.0.0.0", direction: "sendrecv", expect: "recvonly" },
    ],
  ];
  for (const [name, variant] of variants)
    test(`${name}: call.hold {by: remote}, on_hold while held, then call.resumed {by: remote} and in_progress`, async () => {
      const call = await callAndHold(rig, variant, variant.direction);
      try {
        await rig.app.waitForEvent(
          (e) => e.call_id === call.callId && e.event === "call.hold",
          5000,
          "call.hold",
        );
        expect(await callStatus(rig, call.callId)).toBe("on_hold");
        await rig.app.waitForEvent(
          (e) => e.call_id === call.callId && e.event === "call.resumed",
          HOLD_MS + 3000,
          "call.resumed",
        );
        expect(await callStatus(rig, call.callId)).toBe("in_progress");
        expect(await waitExit(call.sipp, 8000), sippMessages(call.dir)).toBe(0);
        expect(holdEvents(rig, call.callId)).toEqual([
          { event: "call.hold", by: "remote" },
          { event: "call.resumed", by: "remote" },
        ]);
      } finally {
        call.ws.close();
        await call.sipp.stop();
      }
    }, 20_000);
});
