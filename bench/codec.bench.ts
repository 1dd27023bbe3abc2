/**
 * Cost of the codecs and the resampler per 20 ms frame (160 app-side samples), next to a
 * baseline measured in the same run: a plain copy loop of 160 samples.
 * Run alone: `bun run bench/codec.bench.ts`.
 */
import { pcmaCodec, pcmuCodec } from "../src/codec/g711.ts";
import { g722Codec } from "../src/codec/g722.ts";
import { G722Decoder, G722Encoder } from "../src/codec/g722-adpcm.ts";
import { createOpusCodec } from "../src/codec/opus.ts";
import { Resampler } from "../src/codec/resampler.ts";
import type { AudioCodec } from "../src/codec/types.ts";

const FRAME = 160;

function sine(freq: number, rate: number, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** Mean µs per call of `fn` over `iterations`, after a warm-up of a tenth as many. */
function measure(iterations: number, fn: () => void): number {
  for (let i = 0; i < iterations / 10; i++) fn();
  const start = Bun.nanoseconds();
  for (let i = 0; i < iterations; i++) fn();
  return (Bun.nanoseconds() - start) / iterations / 1000;
}

const rows: Array<[string, number]> = [];
const pcm8k = sine(440, 8000, FRAME);
const sink = new Int16Array(960);

rows.push([
  "baseline: copy 160 samples",
  measure(200_000, () => {
    for (let i = 0; i < FRAME; i++) sink[i] = pcm8k[i]!;
  }),
]);

function codecRows(codec: AudioCodec, iterations: number): void {
  const enc = codec.createEncoder();
  const dec = codec.createDecoder();
  const payload = new Uint8Array(1276);
  const bytes = enc.encode(pcm8k, payload);
  const packet = payload.slice(0, bytes);
  rows.push([`${codec.name} encode`, measure(iterations, () => enc.encode(pcm8k, payload))]);
  rows.push([`${codec.name} decode`, measure(iterations, () => dec.decode(packet, sink))]);
  rows.push([
    `${codec.name} conceal 20 ms (60 ms+ into a loss)`,
    measure(iterations, () => dec.conceal(sink, FRAME)),
  ]);
  rows.push([
    `${codec.name} decode + conceal (loss onset)`,
    measure(iterations / 10, () => {
      dec.decode(packet, sink);
      dec.conceal(sink, FRAME);
    }),
  ]);
  enc.free();
  dec.free();
}

codecRows(pcmuCodec, 200_000);
codecRows(pcmaCodec, 200_000);
codecRows(g722Codec, 20_000);

const wide = sine(440, 16000, 2 * FRAME);
const g722Bytes = new Uint8Array(FRAME);
const adpcmEnc = new G722Encoder();
const adpcmDec = new G722Decoder();
adpcmEnc.encode(wide, wide.length, g722Bytes);
rows.push([
  "g722 16 kHz ADPCM encode only",
  measure(20_000, () => adpcmEnc.encode(wide, wide.length, g722Bytes)),
]);
rows.push(["g722 16 kHz ADPCM decode only", measure(20_000, () => adpcmDec.decode(g722Bytes, FRAME, sink))]);

for (const complexity of [1, 5, 10]) {
  const codec = createOpusCodec({ complexity });
  const enc = codec.createEncoder();
  const payload = new Uint8Array(1276);
  rows.push([
    `opus encode (complexity ${complexity}, 16 kbit/s)`,
    measure(2_000, () => enc.encode(pcm8k, payload)),
  ]);
  enc.free();
}
codecRows(createOpusCodec(), 2_000);

for (const [from, to] of [
  [16000, 8000],
  [8000, 16000],
  [48000, 8000],
  [44100, 8000],
] as const) {
  const r = new Resampler(from, to);
  const input = sine(440, from, Math.round((from * 20) / 1000));
  const out = new Int16Array(r.maxOutput(input.length));
  rows.push([
    `resample ${from} → ${to} (${r.taps} taps/phase)`,
    measure(10_000, () => r.process(input, input.length, out)),
  ]);
}

const baseline = rows[0]![1];
console.log("codec cost per 20 ms frame (Bun %s)", Bun.version);
console.log(`${"operation".padEnd(48)} ${"µs/frame".padStart(9)} ${"× copy".padStart(8)}`);
for (const [name, us] of rows) {
  console.log(`${name.padEnd(48)} ${us.toFixed(3).padStart(9)} ${(us / baseline).toFixed(1).padStart(8)}`);
}
