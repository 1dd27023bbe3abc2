import { describe, expect, test } from "bun:test";
import { pcmuCodec } from "../../src/codec/g711.ts";
import { WaveformRepetitionPlc } from "../../src/codec/plc.ts";
import { goertzel, rms, tone } from "../support/tone.ts";

function primed(freq: number, amplitude: number): { plc: WaveformRepetitionPlc; signal: Int16Array } {
  const plc = new WaveformRepetitionPlc();
  const signal = tone(freq, 8000, 8000, amplitude);
  for (let i = 0; i < 10; i++) plc.receive(signal.slice(i * 160, (i + 1) * 160), 160);
  return { plc, signal };
}

describe("waveform repetition PLC (G.711 Appendix I style)", () => {
  test("continues a 250 Hz tone through a 20 ms loss at its pitch, neither silent nor louder", () => {
    const { plc, signal } = primed(250, 8000);
    const out = new Int16Array(160);
    expect(plc.conceal(out, 160)).toBe(160);
    const level = rms(out);
    expect(level).toBeGreaterThan(0.5 * rms(signal.subarray(0, 1600)));
    expect(level).toBeLessThanOrEqual(rms(signal.subarray(0, 1600)) * 1.01);
    expect(goertzel(out, 250, 8000)).toBeGreaterThan(4 * goertzel(out, 500, 8000));
  });

  test("the first concealed sample continues the waveform without a jump", () => {
    const { plc, signal } = primed(200, 8000);
    const out = new Int16Array(160);
    plc.conceal(out, 160);
    const lastGood = signal[1599]!;
    const expectedNext = signal[1600]!;
    expect(Math.abs(out[0]! - expectedNext)).toBeLessThan(Math.abs(expectedNext - lastGood) + 400);
  });

  test("fades to silence after 60 ms of consecutive loss", () => {
    const { plc } = primed(300, 8000);
    const out = new Int16Array(160);
    plc.conceal(out, 160);
    plc.conceal(out, 160);
    plc.conceal(out, 160);
    expect(rms(out.subarray(150))).toBeLessThan(0.05 * 8000);
    expect(plc.conceal(out, 160)).toBe(160);
    expect(rms(out)).toBe(0);
  });

  test("attenuates during the 10–60 ms part of a loss", () => {
    const { plc } = primed(300, 8000);
    const first = new Int16Array(160);
    const second = new Int16Array(160);
    plc.conceal(first, 160);
    plc.conceal(second, 160);
    expect(rms(second)).toBeLessThan(rms(first) * 0.8);
    expect(rms(second)).toBeGreaterThan(0);
  });

  test("blends the first good frame after a loss so no large step appears", () => {
    const { plc, signal } = primed(200, 8000);
    const lost = new Int16Array(160);
    plc.conceal(lost, 160);
    const good = signal.slice(1760, 1920);
    const raw = good.slice();
    plc.receive(good, 160);
    expect(Array.from(good.subarray(80))).toEqual(Array.from(raw.subarray(80)));
    expect(Math.abs(good[0]! - lost[159]!)).toBeLessThan(2000);
  });

  test("a G.711 decoder conceals through its own history (non-silent after good frames)", () => {
    const enc = pcmuCodec.createEncoder();
    const dec = pcmuCodec.createDecoder();
    const signal = tone(440, 8000, 1600, 6000);
    const payload = new Uint8Array(160);
    const out = new Int16Array(160);
    for (let f = 0; f < 10; f++) {
      enc.encode(signal.subarray(f * 160, (f + 1) * 160), payload);
      dec.decode(payload, out);
    }
    expect(dec.conceal(out, 160)).toBe(160);
    expect(rms(out)).toBeGreaterThan(1000);
    expect(rms(out)).toBeLessThan(rms(signal) * 1.05);
  });

  test("concealment of silence stays silent", () => {
    const plc = new WaveformRepetitionPlc();
    const out = new Int16Array(160);
    plc.receive(new Int16Array(160), 160);
    plc.conceal(out, 160);
    expect(rms(out)).toBe(0);
  });
});
