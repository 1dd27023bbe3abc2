/** RFC 4733 receiver: each digit once, despite repeats, loss, reordering and missing end packets. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Digit } from "../../src/dtmf/digits.ts";
import { DtmfReceiver, type ReceivedDigit } from "../../src/dtmf/receiver.ts";
import { DtmfSender } from "../../src/dtmf/sender.ts";
import { encodeTelephoneEvent } from "../../src/dtmf/telephone-event.ts";
import { readPcap, udpDatagrams } from "../support/pcap.ts";
import { seededRandom } from "../support/seeded-random.ts";

function ev(event: number, end: boolean, duration: number): Uint8Array {
  const b = new Uint8Array(4);
  encodeTelephoneEvent({ event, end, volume: 10, duration }, b);
  return b;
}

/** Packets of one digit as a typical sender emits them: 4 progress + 3 end, 20 ms apart. */
function digitPackets(event: number, ts: number, t0: number): Array<[Uint8Array, number, number]> {
  const out: Array<[Uint8Array, number, number]> = [];
  for (let k = 0; k < 7; k++) out.push([ev(event, k >= 4, Math.min(k + 1, 5) * 160), ts, t0 + k * 20]);
  return out;
}

function feed(rx: DtmfReceiver, packets: Array<[Uint8Array, number, number]>): ReceivedDigit[] {
  return packets.flatMap(([p, ts, now]) => [...rx.push(p, ts, now)]);
}

describe("DtmfReceiver", () => {
  test("reports the SIPp capture's digit once, on the first end packet", () => {
    const pcap = readPcap(
      new Uint8Array(readFileSync(join(import.meta.dir, "../vectors/dtmf/dtmf_2833_pound.pcap"))),
    );
    if (!pcap.ok) throw new Error(pcap.error.reason);
    const rx = new DtmfReceiver();
    const results = udpDatagrams(pcap.value).map((d, i) => {
      const ts = new DataView(d.payload.buffer, d.payload.byteOffset).getUint32(4);
      return rx.push(d.payload.subarray(12), ts, i * 20);
    });
    expect(results.map((r) => r.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(results[7]![0]).toEqual({ digit: "#", timestamp: 92640, duration: 2240, cause: "end" });
  });

  test("reports a digit whose first packets (and marker bit) were lost", () => {
    const rx = new DtmfReceiver();
    const digits = feed(rx, digitPackets(5, 1000, 0).slice(3));
    expect(digits.map((d) => [d.digit, d.cause])).toEqual([["5", "end"]]);
  });

  test("ignores late packets of a digit already reported", () => {
    const rx = new DtmfReceiver();
    const p = digitPackets(7, 1000, 0);
    const digits = feed(rx, [p[0]!, p[4]!, p[1]!, p[5]!, p[2]!, p[6]!, p[3]!]);
    expect(digits.map((d) => d.digit)).toEqual(["7"]);
  });

  test("reports a digit whose end packets were all lost when the next event starts", () => {
    const rx = new DtmfReceiver();
    const first = digitPackets(1, 1000, 0).slice(0, 4);
    const second = digitPackets(2, 2600, 200);
    const digits = feed(rx, [...first, ...second]);
    expect(digits.map((d) => [d.digit, d.timestamp, d.cause])).toEqual([
      ["1", 1000, "next-event"],
      ["2", 2600, "end"],
    ]);
  });

  test("reports a lost-end digit and the next digit's end from one packet when that is all that arrives", () => {
    const rx = new DtmfReceiver();
    feed(rx, digitPackets(3, 1000, 0).slice(0, 2));
    const out = rx.push(ev(4, true, 800), 2600, 200);
    expect(out.map((d) => [d.digit, d.cause])).toEqual([
      ["3", "next-event"],
      ["4", "end"],
    ]);
  });

  test("reports a lost-end digit on poll once the timeout has passed, not before", () => {
    const rx = new DtmfReceiver({ timeoutMs: 250 });
    feed(rx, digitPackets(9, 1000, 0).slice(0, 4)); // last packet at t=60
    expect(rx.poll(309)).toBeUndefined();
    expect(rx.poll(310)).toEqual({ digit: "9", timestamp: 1000, duration: 640, cause: "timeout" });
    expect(rx.poll(400)).toBeUndefined();
    // Stragglers of the timed-out digit stay ignored.
    expect(rx.push(ev(9, true, 800), 1000, 420)).toEqual([]);
  });

  test("maps events 0-15 to 0-9 * # A B C D and ignores flash and higher events", () => {
    const rx = new DtmfReceiver();
    const got: string[] = [];
    for (let e = 0; e < 20; e++)
      for (const d of rx.push(ev(e, true, 800), 1000 + e * 1600, e * 200)) got.push(d.digit);
    expect(got.join("")).toBe("0123456789*#ABCD");
  });

  test("tells apart different digits that a sender put on one timestamp", () => {
    const rx = new DtmfReceiver();
    const digits = feed(rx, [...digitPackets(1, 0, 0), ...digitPackets(2, 0, 200)]);
    expect(digits.map((d) => d.digit)).toEqual(["1", "2"]);
  });

  test("ignores payloads too short to be an event", () => {
    const rx = new DtmfReceiver();
    expect(rx.push(Uint8Array.from([1, 0x8a]), 1, 0)).toEqual([]);
    expect(rx.poll(10_000)).toBeUndefined();
  });

  test("a 16-digit sequence survives 10 % seeded loss and reordering, each digit exactly once", () => {
    const sequence: Digit[] = [..."0123456789*#ABCD"] as Digit[];
    for (let seed = 1; seed <= 60; seed++) {
      const random = seededRandom(seed * 7919);
      const tx = new DtmfSender({ clockRate: 8000 });
      tx.enqueue(sequence);
      const sent: Array<[Uint8Array, number, number]> = [];
      const buf = new Uint8Array(4);
      for (let tick = 0; tick < sequence.length * 10 + 5; tick++) {
        const t = tx.tick(tick * 160, buf);
        if (t.kind === "event" && random.int(10) !== 0) sent.push([buf.slice(0, 4), t.timestamp, tick * 20]);
      }
      // Swap neighbours with 10 % probability; arrival times stay in order.
      for (let i = 0; i + 1 < sent.length; i++) {
        if (random.int(10) === 0) {
          const a = sent[i]!;
          const b = sent[i + 1]!;
          sent[i] = [b[0], b[1], a[2]];
          sent[i + 1] = [a[0], a[1], b[2]];
        }
      }
      const rx = new DtmfReceiver();
      const got: string[] = [];
      let next = 0;
      for (let now = 0; now < sequence.length * 200 + 1000; now += 20) {
        while (next < sent.length && sent[next]![2] <= now) {
          const [p, ts] = sent[next++]!;
          for (const d of rx.push(p, ts, now)) got.push(d.digit);
        }
        const late = rx.poll(now);
        if (late) got.push(late.digit);
      }
      expect(`${seed}:${got.join("")}`).toBe(`${seed}:${sequence.join("")}`);
    }
  });
});
