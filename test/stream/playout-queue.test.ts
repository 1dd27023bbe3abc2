/**
 * The outbound playout queue (spec/websocket.md §6) driven by a 20 ms tick on a manual clock:
 * pacing, tail padding, mark timing, clear, the 600 s bound, mute, play priority, remote hold.
 */
import { describe, expect, test } from "bun:test";
import { ULAW_ENCODE } from "../../src/codec/g711-tables.ts";
import {
  MAX_PENDING_MARKS,
  MAX_QUEUED_SAMPLES,
  PAUSE_NOT_ANSWERED,
  PAUSE_PLAY_ACTIVE,
  PAUSE_REMOTE_HOLD,
  PlayoutQueue,
} from "../../src/stream/playout-queue.ts";
import { ManualClock } from "../support/manual-clock.ts";

interface Rig {
  clock: ManualClock;
  queue: PlayoutQueue;
  marks: { name: string; at: number }[];
  frames: { at: number; played: boolean; first: number; last: number }[];
  overflows: string[];
}

/** A queue pulled every 20 ms by one interval, as the shared media clock does. */
function rig(maxSamples?: number): Rig {
  const clock = new ManualClock(0);
  const r: Rig = { clock, queue: undefined as unknown as PlayoutQueue, marks: [], frames: [], overflows: [] };
  r.queue = new PlayoutQueue(
    {
      onMark: (name) => r.marks.push({ name, at: clock.now() }),
      onOverflow: (what) => r.overflows.push(what),
    },
    maxSamples,
  );
  const out = new Int16Array(160);
  clock.setInterval(() => {
    out.fill(-1);
    const played = r.queue.pull(out);
    r.frames.push({ at: clock.now(), played, first: out[0]!, last: out[159]! });
  }, 20);
  return r;
}

function l16(samples: number, value: number): Uint8Array {
  const b = new Uint8Array(samples * 2);
  for (let i = 0; i < samples; i++) {
    b[2 * i] = value & 0xff;
    b[2 * i + 1] = (value >> 8) & 0xff;
  }
  return b;
}

describe("PlayoutQueue pacing (§6)", () => {
  test("plays one 160-sample frame per tick, never faster than real time", () => {
    const r = rig();
    r.queue.appendL16(l16(800, 1000), 0, 1600); // 100 ms arrives at once
    r.clock.advance(200);
    const played = r.frames.filter((f) => f.played);
    expect(played.length).toBe(5);
    expect(played.map((f) => f.at)).toEqual([20, 40, 60, 80, 100]);
    expect(r.queue.queuedSamples).toBe(0);
  });

  test("pads a partial tail frame with silence when its tick comes", () => {
    const r = rig();
    r.queue.appendL16(l16(100, 1234), 0, 200);
    r.clock.advance(20);
    expect(r.frames[0]).toEqual({ at: 20, played: true, first: 1234, last: 0 });
  });

  test("returns false (silence) when the queue is empty", () => {
    const r = rig();
    r.clock.advance(60);
    expect(r.frames.map((f) => f.played)).toEqual([false, false, false]);
  });

  test("decodes μ-law bytes with the G.711 table", () => {
    const r = rig();
    const ulaw = new Uint8Array(160).fill(ULAW_ENCODE[8000 & 0xffff]!);
    r.queue.appendMulaw(ulaw, 0, 160);
    r.clock.advance(20);
    expect(Math.abs(r.frames[0]!.first - 8000)).toBeLessThan(300);
  });

  test("reads PCM16 little-endian including negative samples", () => {
    const r = rig();
    r.queue.appendL16(l16(160, -2), 0, 320);
    r.clock.advance(20);
    expect(r.frames[0]!.first).toBe(-2);
  });

  test("keeps order across ring growth and wrap-around", () => {
    const q = new PlayoutQueue({ onMark() {}, onOverflow() {} });
    const out = new Int16Array(160);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 400; round++) {
      const n = 37 + ((round * 53) % 500);
      const b = new Uint8Array(n * 2);
      for (let i = 0; i < n; i++) {
        b[2 * i] = next & 0xff;
        b[2 * i + 1] = (next >> 8) & 0x7f;
        next = (next + 1) & 0x7fff;
      }
      q.appendL16(b, 0, b.length);
      for (let k = 0; k < 2 && q.queuedSamples >= 160; k++) {
        q.pull(out);
        for (let i = 0; i < 160; i++) {
          expect(out[i]).toBe(expected);
          expected = (expected + 1) & 0x7fff;
        }
      }
    }
  });
});

describe("PlayoutQueue marks (§6 Marks, Clear)", () => {
  test("echoes a mark placed after 2 s of queued audio 2 s later (±20 ms)", () => {
    const r = rig();
    r.queue.appendL16(l16(16000, 500), 0, 32000);
    r.queue.mark("greeting-end");
    r.clock.advance(3000);
    expect(r.marks.length).toBe(1);
    expect(Math.abs(r.marks[0]!.at - 2000)).toBeLessThanOrEqual(20);
  });

  test("echoes a mark at once when the queue is empty", () => {
    const r = rig();
    r.queue.mark("now");
    expect(r.marks).toEqual([{ name: "now", at: 0 }]);
  });

  test("echoes marks in order, each on the tick that sends its last preceding sample", () => {
    const r = rig();
    r.queue.appendL16(l16(160, 1), 0, 320);
    r.queue.mark("a");
    r.queue.appendL16(l16(240, 1), 0, 480);
    r.queue.mark("b");
    r.queue.mark("c");
    r.clock.advance(100);
    expect(r.marks).toEqual([
      { name: "a", at: 20 },
      { name: "b", at: 60 },
      { name: "c", at: 60 },
    ]);
  });

  test("clear empties the queue, partial frame included, and echoes pending marks at once", () => {
    const r = rig();
    r.queue.appendL16(l16(8000, 7), 0, 16000);
    r.queue.mark("m1");
    r.queue.appendL16(l16(50, 7), 0, 100);
    r.queue.mark("m2");
    r.clock.advance(40);
    r.queue.clear();
    expect(r.marks).toEqual([
      { name: "m1", at: 40 },
      { name: "m2", at: 40 },
    ]);
    expect(r.queue.queuedSamples).toBe(0);
    r.clock.advance(20);
    expect(r.frames.at(-1)!.played).toBe(false);
  });

  test("audio and marks sent after a clear queue normally", () => {
    const r = rig();
    r.queue.appendL16(l16(1600, 7), 0, 3200);
    r.queue.clear();
    r.queue.appendL16(l16(320, 9), 0, 640);
    r.queue.mark("after");
    r.clock.advance(60);
    expect(r.marks).toEqual([{ name: "after", at: 40 }]);
  });

  test("clear on an empty queue does nothing", () => {
    const r = rig();
    r.queue.clear();
    expect(r.marks).toEqual([]);
    expect(r.queue.queuedSamples).toBe(0);
  });

  test("discard drops audio and un-echoed marks without echoing them", () => {
    const r = rig();
    r.queue.appendL16(l16(1600, 7), 0, 3200);
    r.queue.mark("never");
    r.queue.discard();
    r.clock.advance(100);
    expect(r.marks).toEqual([]);
    expect(r.frames.every((f) => !f.played)).toBe(true);
  });
});

describe("PlayoutQueue bound (§6 Queue)", () => {
  test("drops the newest audio beyond the bound and warns once", () => {
    const r = rig(1000);
    expect(r.queue.appendL16(l16(900, 1), 0, 1800)).toBe(900);
    expect(r.queue.appendL16(l16(300, 2), 0, 600)).toBe(100);
    expect(r.queue.appendL16(l16(300, 3), 0, 600)).toBe(0);
    expect(r.queue.queuedSamples).toBe(1000);
    expect(r.overflows).toEqual(["audio"]);
    // The kept audio is the oldest: 900 samples of 1, then 100 of 2.
    r.clock.advance(200);
    const played = r.frames.filter((f) => f.played);
    expect(played.length).toBe(7);
    expect(played[0]!.first).toBe(1);
    expect(played[6]!.first).toBe(2);
  });

  test("drops marks beyond 65 536 pending and reports it once", () => {
    const kinds: string[] = [];
    const fired: string[] = [];
    const q = new PlayoutQueue({ onMark: (n) => fired.push(n), onOverflow: (k) => kinds.push(k) });
    q.appendL16(l16(160, 1), 0, 320);
    for (let i = 0; i < MAX_PENDING_MARKS + 5; i++) q.mark(String(i));
    expect(q.pendingMarks).toBe(MAX_PENDING_MARKS);
    expect(kinds).toEqual(["marks"]);
    q.pull(new Int16Array(160));
    expect(fired.length).toBe(MAX_PENDING_MARKS);
    expect(fired.at(-1)).toBe(String(MAX_PENDING_MARKS - 1));
  });

  test("keeps mark storage bounded when a mark is always pending", () => {
    const fired: string[] = [];
    const q = new PlayoutQueue({ onMark: (n) => fired.push(n), onOverflow() {} });
    const frame = l16(160, 1);
    const out = new Int16Array(160);
    q.appendL16(frame, 0, 320);
    q.mark("0");
    for (let i = 1; i <= 5000; i++) {
      q.appendL16(frame, 0, 320);
      q.mark(String(i));
      q.pull(out);
    }
    expect(fired.length).toBe(5000);
    expect(fired.slice(0, 3)).toEqual(["0", "1", "2"]);
    expect(q.pendingMarks).toBe(1);
    // The fired prefix is compacted away: internal arrays hold far fewer than 5000 names.
    expect((q as unknown as { markNames: string[] }).markNames.length).toBeLessThan(2100);
  });

  test("the default bound is 600 s of 8 kHz audio", () => {
    expect(MAX_QUEUED_SAMPLES).toBe(4_800_000);
    const q = new PlayoutQueue({ onMark() {}, onOverflow() {} });
    const tenSeconds = l16(80_000, 1);
    let accepted = 0;
    for (let i = 0; i < 61; i++) accepted += q.appendL16(tenSeconds, 0, tenSeconds.length);
    expect(accepted).toBe(4_800_000);
  });
});

describe("PlayoutQueue pause and mute (§6 REST playback, Mute, Hold)", () => {
  test("muted: the queue drains at real time, silence goes out and marks fire on schedule", () => {
    const r = rig();
    r.queue.setMuted(true);
    r.queue.appendL16(l16(800, 4000), 0, 1600);
    r.queue.mark("end");
    r.clock.advance(120);
    expect(r.frames.every((f) => !f.played)).toBe(true);
    expect(r.marks).toEqual([{ name: "end", at: 100 }]);
    expect(r.queue.queuedSamples).toBe(0);
  });

  test("an active REST play pauses the queue (kept, marks wait) until the play ends", () => {
    const r = rig();
    r.queue.appendL16(l16(320, 5), 0, 640);
    r.queue.mark("after-ws-audio");
    r.queue.setPaused(PAUSE_PLAY_ACTIVE, true);
    r.clock.advance(1000);
    expect(r.marks).toEqual([]);
    expect(r.queue.queuedSamples).toBe(320);
    r.queue.setPaused(PAUSE_PLAY_ACTIVE, false);
    r.clock.advance(40);
    expect(r.marks).toEqual([{ name: "after-ws-audio", at: 1040 }]);
  });

  test("a clear during a play empties the WS queue only and echoes its marks", () => {
    const r = rig();
    r.queue.appendL16(l16(320, 5), 0, 640);
    r.queue.mark("m");
    r.queue.setPaused(PAUSE_PLAY_ACTIVE, true);
    r.queue.clear();
    expect(r.marks).toEqual([{ name: "m", at: 0 }]);
  });

  test("remote hold pauses the queue and marks wait until the remote resumes", () => {
    const r = rig();
    r.queue.appendL16(l16(160, 5), 0, 320);
    r.queue.mark("held");
    r.queue.setPaused(PAUSE_REMOTE_HOLD, true);
    r.clock.advance(500);
    expect(r.marks).toEqual([]);
    r.queue.setPaused(PAUSE_REMOTE_HOLD, false);
    r.clock.advance(20);
    expect(r.marks).toEqual([{ name: "held", at: 520 }]);
  });

  test("stays paused while any one reason holds", () => {
    const r = rig();
    r.queue.appendL16(l16(160, 5), 0, 320);
    r.queue.setPaused(PAUSE_NOT_ANSWERED, true);
    r.queue.setPaused(PAUSE_REMOTE_HOLD, true);
    r.queue.setPaused(PAUSE_NOT_ANSWERED, false);
    r.clock.advance(40);
    expect(r.frames.every((f) => !f.played)).toBe(true);
    r.queue.setPaused(PAUSE_REMOTE_HOLD, false);
    r.clock.advance(20);
    expect(r.frames.at(-1)!.played).toBe(true);
  });
});
