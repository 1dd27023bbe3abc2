import { describe, expect, test } from "bun:test";
import {
  createUas2xxRetransmission,
  stepUas2xxRetransmission,
  type Uas2xxAction,
  type Uas2xxState,
  type Uas2xxStep,
  type Uas2xxTimer,
} from "../../../src/sip/dialog/index.ts";
import { createResponse } from "../../../src/sip/message/index.ts";
import { request } from "../transaction/messages.ts";

const ok = createResponse(request({ method: "INVITE" }), 200, undefined, { toTag: "b1" });

/** Runs the machine: fires its timers in due order up to `until`, optionally feeding an ACK at `ackAt`. */
function run(first: Uas2xxStep, until: number, ackAt?: number) {
  let state: Uas2xxState = first.state;
  const timers = new Map<Uas2xxTimer, number>();
  const sends: number[] = [];
  const events: Array<[number, string]> = [];
  const apply = (actions: Uas2xxAction[], now: number) => {
    for (const a of actions) {
      if (a.type === "send") sends.push(now);
      else if (a.type === "start-timer") timers.set(a.timer, a.due);
      else if (a.type === "stop-timer") timers.delete(a.timer);
      else events.push([now, a.type]);
    }
  };
  apply(first.actions, 0);
  let acked = ackAt === undefined;
  for (;;) {
    let next: [Uas2xxTimer, number] | undefined;
    for (const e of timers) if (e[1] <= until && (next === undefined || e[1] < next[1])) next = e;
    if (!acked && ackAt !== undefined && (next === undefined || ackAt < next[1])) {
      acked = true;
      const s = stepUas2xxRetransmission(state, { type: "ack" }, ackAt);
      state = s.state;
      apply(s.actions, ackAt);
      continue;
    }
    if (next === undefined) break;
    timers.delete(next[0]);
    const s = stepUas2xxRetransmission(state, { type: "timer", timer: next[0] }, next[1]);
    state = s.state;
    apply(s.actions, next[1]);
  }
  return { state, sends, events, timers };
}

describe("UAS 2xx retransmission until ACK (RFC 3261 §13.3.1.4)", () => {
  test("resends the 2xx with the interval doubling from T1 to T2, and gives up after 64·T1 with an ack timeout", () => {
    const r = run(createUas2xxRetransmission(ok, {}, 0), 40_000);
    expect(r.sends).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(r.events).toEqual([[32_000, "ack-timeout"]]);
    expect(r.state.name).toBe("timed-out");
    expect(r.timers.size).toBe(0);
  });

  test("the ACK stops the retransmissions and the give-up timer", () => {
    const r = run(createUas2xxRetransmission(ok, {}, 0), 40_000, 2000);
    expect(r.sends).toEqual([0, 500, 1500]);
    expect(r.events).toEqual([]);
    expect(r.state.name).toBe("acked");
  });

  test("with retransmit off it sends once but still reports the ack timeout", () => {
    const r = run(createUas2xxRetransmission(ok, { retransmit: false }, 0), 40_000);
    expect(r.sends).toEqual([0]);
    expect(r.events).toEqual([[32_000, "ack-timeout"]]);
  });

  test("honours a configured T1 and T2", () => {
    const r = run(createUas2xxRetransmission(ok, { T1: 100, T2: 300 }, 0), 10_000);
    expect(r.sends).toEqual([
      0, 100, 300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000, 3300, 3600, 3900, 4200, 4500, 4800,
      5100, 5400, 5700, 6000, 6300,
    ]);
    expect(r.events).toEqual([[6400, "ack-timeout"]]);
  });
});
