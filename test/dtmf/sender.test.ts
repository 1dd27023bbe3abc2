/** The RFC 4733 send schedule of sip.md §9, packet by packet. */
import { describe, expect, test } from "bun:test";
import { DtmfSender, type DtmfTick } from "../../src/dtmf/sender.ts";
import { decodeTelephoneEvent } from "../../src/dtmf/telephone-event.ts";

interface Row {
  kind: "audio" | "event";
  digit?: string;
  ts?: number;
  m?: boolean;
  e?: boolean;
  dur?: number;
  vol?: number;
  last?: boolean;
}

/** Runs `ticks` ticks with the audio timestamp advancing 160 per tick from `ts0`. */
function run(tx: DtmfSender, ticks: number, ts0 = 5000): Row[] {
  const out = new Uint8Array(4);
  const rows: Row[] = [];
  for (let i = 0; i < ticks; i++) rows.push(row(tx.tick(ts0 + i * 160, out), out));
  return rows;
}

function row(t: DtmfTick, out: Uint8Array): Row {
  if (t.kind === "audio") return { kind: "audio" };
  const d = decodeTelephoneEvent(out);
  if (!d.ok) throw new Error(d.error.reason);
  expect(t.length).toBe(4);
  expect(d.value.end).toBe(t.end);
  return {
    kind: "event",
    digit: t.digit,
    ts: t.timestamp,
    m: t.marker,
    e: t.end,
    dur: d.value.duration,
    vol: d.value.volume,
    last: t.lastOfDigit,
  };
}

const ev = (digit: string, ts: number, m: boolean, e: boolean, dur: number, last = false): Row => ({
  kind: "event",
  digit,
  ts,
  m,
  e,
  dur,
  vol: 10,
  last,
});
const audio: Row = { kind: "audio" };

describe("DtmfSender", () => {
  test("sends nothing but audio when no digit is queued", () => {
    const tx = new DtmfSender({ clockRate: 8000 });
    expect(run(tx, 3)).toEqual([audio, audio, audio]);
    expect(tx.idle).toBe(true);
  });

  test("schedules '1#' at 8 kHz: 5 event packets over 100 ms, end sent 3 times, 100 ms gap, one timestamp per digit", () => {
    const tx = new DtmfSender({ clockRate: 8000 });
    tx.enqueue(["1", "#"]);
    expect(run(tx, 21)).toEqual([
      ev("1", 5000, true, false, 160),
      ev("1", 5000, false, false, 320),
      ev("1", 5000, false, false, 480),
      ev("1", 5000, false, false, 640),
      ev("1", 5000, false, true, 800),
      ev("1", 5000, false, true, 800),
      ev("1", 5000, false, true, 800, true),
      audio,
      audio,
      audio,
      // Second digit starts 200 ms after the first, on the audio timestamp of that tick.
      ev("#", 6600, true, false, 160),
      ev("#", 6600, false, false, 320),
      ev("#", 6600, false, false, 480),
      ev("#", 6600, false, false, 640),
      ev("#", 6600, false, true, 800),
      ev("#", 6600, false, true, 800),
      ev("#", 6600, false, true, 800, true),
      audio,
      audio,
      audio,
      audio,
    ]);
  });

  test("counts duration in the telephone-event clock (48 kHz next to Opus)", () => {
    const tx = new DtmfSender({ clockRate: 48000 });
    tx.enqueue(["9"]);
    expect(run(tx, 7).map((r) => r.dur)).toEqual([960, 1920, 2880, 3840, 4800, 4800, 4800]);
  });

  test("is busy while event packets remain and idle once the third end packet went out", () => {
    const tx = new DtmfSender({ clockRate: 8000 });
    tx.enqueue(["5"]);
    expect(tx.idle).toBe(false);
    run(tx, 6);
    expect(tx.idle).toBe(false);
    run(tx, 1);
    expect(tx.idle).toBe(true);
  });

  test("a digit queued during the gap waits until 100 ms after the previous event ended", () => {
    const tx = new DtmfSender({ clockRate: 8000 });
    tx.enqueue(["2"]);
    run(tx, 8);
    tx.enqueue(["3"]);
    const rows = run(tx, 3, 0);
    expect(rows.map((r) => r.kind)).toEqual(["audio", "audio", "event"]);
    expect(rows[2]!.m).toBe(true);
  });

  test("clearQueue drops waiting digits but lets the current one finish", () => {
    const tx = new DtmfSender({ clockRate: 8000 });
    tx.enqueue(["4", "5", "6"]);
    run(tx, 2);
    tx.clearQueue();
    const rows = run(tx, 15);
    expect(rows.filter((r) => r.kind === "event").map((r) => r.digit)).toEqual(Array(5).fill("4"));
    expect(rows.filter((r) => r.e).length).toBe(3);
  });

  test("wraps the event timestamp to 32 bits", () => {
    const tx = new DtmfSender({ clockRate: 8000 });
    tx.enqueue(["0"]);
    const out = new Uint8Array(4);
    const t = tx.tick(2 ** 32 + 7, out);
    expect(t.kind === "event" && t.timestamp).toBe(7);
  });
});
