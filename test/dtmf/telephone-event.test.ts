/** RFC 4733 §2.3 payload layout, checked against hand-computed bytes and SIPp's captures. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  decodeTelephoneEvent,
  encodeTelephoneEvent,
  type TelephoneEvent,
} from "../../src/dtmf/telephone-event.ts";
import { readPcap, udpDatagrams } from "../support/pcap.ts";

// event | E R volume(6) | duration(16), per RFC 4733 §2.3 figure 1.
const VECTORS: Array<[string, TelephoneEvent, number[]]> = [
  [
    "digit 5, end, -10 dBm0, 100 ms at 8 kHz",
    { event: 5, end: true, volume: 10, duration: 800 },
    [0x05, 0x8a, 0x03, 0x20],
  ],
  [
    "digit 0, start, volume 0, duration 0",
    { event: 0, end: false, volume: 0, duration: 0 },
    [0x00, 0x00, 0x00, 0x00],
  ],
  [
    "#, maximum volume and duration",
    { event: 11, end: false, volume: 63, duration: 0xffff },
    [0x0b, 0x3f, 0xff, 0xff],
  ],
  ["D, end, 20 ms at 48 kHz", { event: 15, end: true, volume: 10, duration: 960 }, [0x0f, 0x8a, 0x03, 0xc0]],
  ["flash (16)", { event: 16, end: false, volume: 7, duration: 160 }, [0x10, 0x07, 0x00, 0xa0]],
];

describe("telephone-event payload", () => {
  for (const [name, ev, bytes] of VECTORS) {
    test(`encodes ${name} as ${bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ")}`, () => {
      const out = new Uint8Array(4);
      expect(encodeTelephoneEvent(ev, out)).toBe(4);
      expect([...out]).toEqual(bytes);
    });
    test(`decodes ${name}`, () => {
      expect(decodeTelephoneEvent(Uint8Array.from(bytes))).toEqual({ ok: true, value: ev });
    });
  }

  test("ignores the R bit when decoding (§2.3.2)", () => {
    const r = decodeTelephoneEvent(Uint8Array.from([0x01, 0x4a, 0x00, 0xa0]));
    expect(r).toEqual({ ok: true, value: { event: 1, end: false, volume: 10, duration: 160 } });
  });

  test("decodes at an offset inside a larger packet", () => {
    const r = decodeTelephoneEvent(Uint8Array.from([0xff, 0xff, 0x0a, 0x8a, 0x00, 0x50]), 2);
    expect(r.ok && r.value).toEqual({ event: 10, end: true, volume: 10, duration: 80 });
  });

  test("refuses payloads shorter than 4 bytes", () => {
    expect(decodeTelephoneEvent(Uint8Array.from([1, 2, 3])).ok).toBe(false);
    expect(decodeTelephoneEvent(Uint8Array.from([1, 2, 3, 4]), 1).ok).toBe(false);
    expect(decodeTelephoneEvent(new Uint8Array(0)).ok).toBe(false);
  });

  test("clamps a duration past 16 bits and writes at an offset", () => {
    const out = new Uint8Array(6);
    encodeTelephoneEvent({ event: 3, end: false, volume: 10, duration: 70000 }, out, 2);
    expect([...out]).toEqual([0, 0, 0x03, 0x0a, 0xff, 0xff]);
  });
});

describe("SIPp RFC 2833 captures", () => {
  const files: Array<[string, number]> = [
    ["dtmf_2833_1.pcap", 1],
    ["dtmf_2833_9.pcap", 9],
    ["dtmf_2833_star.pcap", 10],
    ["dtmf_2833_pound.pcap", 11],
  ];
  for (const [file, event] of files) {
    test(`${file} decodes to event ${event}: durations 0..1920 by 320, then three end packets of 2240`, () => {
      const pcap = readPcap(new Uint8Array(readFileSync(join(import.meta.dir, "../vectors/dtmf", file))));
      if (!pcap.ok) throw new Error(pcap.error.reason);
      const rtp = udpDatagrams(pcap.value).map((d) => d.payload);
      expect(rtp.length).toBe(10);
      const timestamps = new Set(rtp.map((p) => new DataView(p.buffer, p.byteOffset).getUint32(4)));
      expect(timestamps.size).toBe(1);
      expect(rtp.map((p) => p[1]! & 0x7f)).toEqual(Array(10).fill(101));
      expect(rtp.map((p) => (p[1]! & 0x80) !== 0)).toEqual([true, ...Array(9).fill(false)]);
      const events = rtp.map((p) => {
        const r = decodeTelephoneEvent(p, 12);
        if (!r.ok) throw new Error(r.error.reason);
        return r.value;
      });
      expect(events.map((e) => e.event)).toEqual(Array(10).fill(event));
      expect(events.map((e) => e.volume)).toEqual(Array(10).fill(10));
      expect(events.map((e) => e.duration)).toEqual([0, 320, 640, 960, 1280, 1600, 1920, 2240, 2240, 2240]);
      expect(events.map((e) => e.end)).toEqual([...Array(7).fill(false), true, true, true]);
      // Re-encoding gives the captured bytes back.
      const out = new Uint8Array(4);
      for (let i = 0; i < 10; i++) {
        encodeTelephoneEvent(events[i]!, out);
        expect([...out]).toEqual([...rtp[i]!.subarray(12, 16)]);
      }
    });
  }
});
