import { describe, expect, test } from "bun:test";
import { type CallEvent, callEnded, endDuration } from "../../src/call/events.ts";
import { isoMillis, isoSeconds, toEventBody } from "../../src/webhook/event-body.ts";

const AT = Date.UTC(2026, 2, 12, 10, 30, 0, 120);
const TS = "2026-03-12T10:30:00.120Z";

describe("lifecycle event bodies (webhooks.md §3)", () => {
  const cases: Array<[CallEvent, string]> = [
    [
      { type: "call.ringing", callId: "CA1", from: "+15559876543", to: "+15551234567" },
      `{"event":"call.ringing","call_id":"CA1","from":"+15559876543","to":"+15551234567","timestamp":"${TS}"}`,
    ],
    [
      { type: "call.answered", callId: "CA1" },
      `{"event":"call.answered","call_id":"CA1","timestamp":"${TS}"}`,
    ],
    [
      { type: "call.ended", callId: "CA1", reason: "busy", duration: 0, sipCode: 486 },
      `{"event":"call.ended","call_id":"CA1","reason":"busy","duration":0,"sip_code":486,"timestamp":"${TS}"}`,
    ],
    [
      { type: "call.ended", callId: "CA1", reason: "normal", duration: 45 },
      `{"event":"call.ended","call_id":"CA1","reason":"normal","duration":45,"timestamp":"${TS}"}`,
    ],
    [
      { type: "call.dtmf", callId: "CA1", digit: "#" },
      `{"event":"call.dtmf","call_id":"CA1","digit":"#","timestamp":"${TS}"}`,
    ],
    [
      { type: "call.hold", callId: "CA1", by: "remote" },
      `{"event":"call.hold","call_id":"CA1","by":"remote","timestamp":"${TS}"}`,
    ],
    [
      { type: "call.resumed", callId: "CA1", by: "local" },
      `{"event":"call.resumed","call_id":"CA1","by":"local","timestamp":"${TS}"}`,
    ],
    [
      { type: "call.play_finished", callId: "CA1", playId: "play_0", interrupted: false },
      `{"event":"call.play_finished","call_id":"CA1","play_id":"play_0","interrupted":false,"timestamp":"${TS}"}`,
    ],
    [
      { type: "call.transfer_failed", callId: "CA1", target: "sip:bob@example.com", sipCode: 486 },
      `{"event":"call.transfer_failed","call_id":"CA1","target":"sip:bob@example.com","sip_code":486,"timestamp":"${TS}"}`,
    ],
  ];
  for (const [event, json] of cases) {
    test(`serializes ${event.type} with snake_case fields in spec order`, () => {
      expect(JSON.stringify(toEventBody(event, AT))).toBe(json);
    });
  }

  test("omits sip_code from call.ended when no SIP response caused the end", () => {
    expect("sip_code" in toEventBody(callEnded("CA1", "local", 0, 5000), AT)).toBe(false);
  });

  test("stamps ISO 8601 UTC with milliseconds, and DLQ stamps to the second", () => {
    expect(isoMillis(Date.UTC(2026, 0, 1, 0, 0, 7, 5))).toBe("2026-01-01T00:00:07.005Z");
    expect(isoSeconds(Date.UTC(2026, 2, 12, 10, 30, 0, 999))).toBe("2026-03-12T10:30:00Z");
  });
});

describe("call.ended duration (webhooks.md §3)", () => {
  test("is whole seconds from answer to end, floored", () => {
    expect(endDuration(1000, 46_999)).toBe(45);
    expect(callEnded("CA1", "normal", 1000, 46_999)).toEqual({
      type: "call.ended",
      callId: "CA1",
      reason: "normal",
      duration: 45,
    });
  });

  test("is 0 for a call that was never answered and keeps the SIP code", () => {
    expect(callEnded("CA1", "busy", undefined, 9000, 486)).toEqual({
      type: "call.ended",
      callId: "CA1",
      reason: "busy",
      duration: 0,
      sipCode: 486,
    });
  });
});
