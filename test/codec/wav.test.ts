/**
 * WAV and inline PCM sources of POST …/play (spec/rest-api.md): real files written by sox and
 * ffmpeg at several rates and channel counts, hand-built bytes for every refusal and every
 * leniency rule, the 8 kHz mono conversion proven with tones, and fast-check for "never throws".
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decodeInlinePcm, parseWav, toPcm8kMono, type Wav, type WavErrorKind } from "../../src/codec/wav.ts";
import { skipWithout } from "../support/peers.ts";
import { db, dominantFrequency, goertzel, tone } from "../support/tone.ts";

// --- builders -----------------------------------------------------------------------------

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}
function u16(v: number): number[] {
  return [v & 0xff, (v >> 8) & 0xff];
}
function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
function chunk(id: string, payload: number[], declared = payload.length): number[] {
  return [...ascii(id), ...u32(declared), ...payload, ...(payload.length % 2 === 1 ? [0] : [])];
}
/** KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT as stored in a file. */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
const PCM_GUID = [0x01, 0x00, ...GUID_TAIL];
const FLOAT_GUID = [0x03, 0x00, ...GUID_TAIL];

interface FmtFields {
  tag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  /** Bytes after the 16 basic ones (cb-size and the extensible part). */
  extra?: number[];
}
function fmt(f: FmtFields = {}): number[] {
  const channels = f.channels ?? 1;
  const rate = f.rate ?? 8000;
  const bits = f.bits ?? 16;
  const align = (channels * bits) / 8;
  return [
    ...u16(f.tag ?? 1),
    ...u16(channels),
    ...u32(rate),
    ...u32(rate * align),
    ...u16(align),
    ...u16(bits),
    ...(f.extra ?? []),
  ];
}
function extensible(guid: number[], channels = 2): number[] {
  return fmt({ tag: 0xfffe, channels, extra: [...u16(22), ...u16(16), ...u32(3), ...guid] });
}
function riff(...chunks: number[][]): Uint8Array {
  const body = chunks.flat();
  return new Uint8Array([...ascii("RIFF"), ...u32(body.length + 4), ...ascii("WAVE"), ...body]);
}
function le16(...samples: number[]): number[] {
  return samples.flatMap((s) => u16(s & 0xffff));
}

function ok(bytes: Uint8Array): Wav {
  const r = parseWav(bytes);
  if (!r.ok) throw new Error(`expected a WAV, got: ${r.error.reason}`);
  return r.value;
}
function refusal(bytes: Uint8Array): { kind: WavErrorKind; reason: string } {
  const r = parseWav(bytes);
  if (r.ok) throw new Error("expected a refusal");
  return r.error;
}

function sox(args: string[]): Uint8Array {
  const run = Bun.spawnSync(["sox", "-n", ...args]);
  if (run.exitCode !== 0) throw new Error(`sox failed: ${run.stderr.toString()}`);
  return new Uint8Array(run.stdout);
}
/** `seconds` of a `freq` Hz sine as a WAV on stdout (sox then leaves the sizes unpatched). */
function soxTone(rate: number, channels: number, seconds: number, freq = 1000, enc: string[] = ["-b", "16"]) {
  return sox([
    "-r",
    `${rate}`,
    "-c",
    `${channels}`,
    ...enc,
    "-t",
    "wav",
    "-",
    "synth",
    `${seconds}`,
    "sine",
    `${freq}`,
  ]);
}

// --- parseWav: accepted files -------------------------------------------------------------

describe("parseWav accepts", () => {
  test("a mono PCM16 file and reads its samples little-endian", () => {
    const wav = ok(riff(chunk("fmt ", fmt({ rate: 16000 })), chunk("data", le16(0x0102, -1, -32768, 32767))));
    expect(wav.sampleRate).toBe(16000);
    expect(wav.channels).toBe(1);
    expect([...wav.pcm]).toEqual([0x0102, -1, -32768, 32767]);
  });

  test("drops an odd trailing data byte", () => {
    const wav = ok(riff(chunk("fmt ", fmt()), chunk("data", [1, 0, 2, 0, 9])));
    expect([...wav.pcm]).toEqual([1, 2]);
  });

  test("drops a trailing half stereo frame", () => {
    const wav = ok(riff(chunk("fmt ", fmt({ channels: 2 })), chunk("data", le16(1, 2, 3))));
    expect(wav.channels).toBe(2);
    expect([...wav.pcm]).toEqual([1, 2]);
  });

  test("truncates a data chunk that claims more bytes than the file holds", () => {
    const bytes = riff(chunk("fmt ", fmt()), chunk("data", le16(5, 6, 7), 0x7ffff000));
    expect([...ok(bytes).pcm]).toEqual([5, 6, 7]);
  });

  test("skips unknown chunks, honouring the pad byte after an odd-sized one", () => {
    const bytes = riff(chunk("fmt ", fmt()), chunk("LIST", [0x41, 0x42, 0x43]), chunk("data", le16(42)));
    expect([...ok(bytes).pcm]).toEqual([42]);
  });

  test("ignores the RIFF size (0 or 0xFFFFFFFF from streaming writers)", () => {
    const bytes = riff(chunk("fmt ", fmt()), chunk("data", le16(7)));
    for (const size of [0, 0xffffffff]) {
      bytes.set(u32(size), 4);
      expect([...ok(bytes).pcm]).toEqual([7]);
    }
  });

  test("an 18-byte fmt chunk (cb-size 0)", () => {
    expect(ok(riff(chunk("fmt ", fmt({ extra: u16(0) })), chunk("data", le16(3)))).pcm.length).toBe(1);
  });

  test("WAVE_FORMAT_EXTENSIBLE with the PCM sub-format GUID", () => {
    const wav = ok(
      riff(chunk("fmt ", extensible(PCM_GUID)), chunk("fact", u32(1)), chunk("data", le16(1, -1))),
    );
    expect(wav.channels).toBe(2);
    expect([...wav.pcm]).toEqual([1, -1]);
  });
});

// --- parseWav: refusals --------------------------------------------------------------------

describe("parseWav refuses, naming what is wrong", () => {
  const data = chunk("data", le16(1, 2));
  const cases: Array<[string, Uint8Array, WavErrorKind, RegExp]> = [
    ["an empty body", new Uint8Array(0), "not_wav", /not a RIFF\/WAVE/],
    [
      "a big-endian RIFX file",
      new Uint8Array([...ascii("RIFX"), ...u32(4), ...ascii("WAVE")]),
      "not_wav",
      /RIFF/,
    ],
    [
      "a RIFF file that is not WAVE",
      new Uint8Array([...ascii("RIFF"), ...u32(4), ...ascii("AVI ")]),
      "not_wav",
      /WAVE/,
    ],
    ["a file with no chunks", riff(), "missing_fmt", /no fmt chunk/],
    ["a data chunk before any fmt", riff(data, chunk("fmt ", fmt())), "missing_fmt", /before any fmt/],
    ["a 14-byte fmt chunk", riff(chunk("fmt ", fmt().slice(0, 14)), data), "missing_fmt", /shorter than 16/],
    [
      "IEEE float (tag 3)",
      riff(chunk("fmt ", fmt({ tag: 3, bits: 32 })), data),
      "format_tag",
      /format tag 3 \(IEEE float\)/,
    ],
    ["A-law (tag 6)", riff(chunk("fmt ", fmt({ tag: 6, bits: 8 })), data), "format_tag", /tag 6 \(A-law\)/],
    ["µ-law (tag 7)", riff(chunk("fmt ", fmt({ tag: 7, bits: 8 })), data), "format_tag", /tag 7 \(µ-law\)/],
    [
      "MP3 (tag 0x55)",
      riff(chunk("fmt ", fmt({ tag: 0x55 })), data),
      "format_tag",
      /tag 85 \(MPEG Layer 3\)/,
    ],
    ["an unnamed tag", riff(chunk("fmt ", fmt({ tag: 0x1234 })), data), "format_tag", /tag 4660 is not/],
    [
      "extensible with the float sub-format",
      riff(chunk("fmt ", extensible(FLOAT_GUID)), data),
      "format_tag",
      /non-PCM sub-format/,
    ],
    [
      "extensible with a short fmt",
      riff(chunk("fmt ", fmt({ tag: 0xfffe, extra: u16(0) })), data),
      "format_tag",
      /shorter than 40/,
    ],
    ["0 channels", riff(chunk("fmt ", fmt({ channels: 0 })), data), "channels", /0 channels; only 1 or 2/],
    ["3 channels", riff(chunk("fmt ", fmt({ channels: 3 })), data), "channels", /3 channels/],
    ["6 channels", riff(chunk("fmt ", fmt({ channels: 6 })), data), "channels", /6 channels/],
    ["a 0 Hz rate", riff(chunk("fmt ", fmt({ rate: 0 })), data), "rate", /sample rate 0 Hz/],
    ["a 400 kHz rate", riff(chunk("fmt ", fmt({ rate: 400000 })), data), "rate", /400000 Hz/],
    ["8-bit PCM", riff(chunk("fmt ", fmt({ bits: 8 })), data), "bits", /8 bits per sample; only 16-bit/],
    ["24-bit PCM", riff(chunk("fmt ", fmt({ bits: 24 })), data), "bits", /24 bits/],
    ["32-bit PCM", riff(chunk("fmt ", fmt({ bits: 32 })), data), "bits", /32 bits/],
    ["a file with fmt but no data", riff(chunk("fmt ", fmt())), "missing_data", /no data chunk/],
    ["an empty data chunk", riff(chunk("fmt ", fmt()), chunk("data", [])), "empty", /no audio/],
    ["a 1-byte data chunk", riff(chunk("fmt ", fmt()), chunk("data", [1])), "empty", /no audio/],
    [
      "half a stereo frame",
      riff(chunk("fmt ", fmt({ channels: 2 })), chunk("data", le16(1))),
      "empty",
      /no audio/,
    ],
  ];
  for (const [name, bytes, kind, message] of cases) {
    test(`${name} → ${kind}`, () => {
      const e = refusal(bytes);
      expect(e.kind).toBe(kind);
      expect(e.reason).toMatch(message);
    });
  }
});

// --- conversion to 8 kHz mono --------------------------------------------------------------

describe("toPcm8kMono", () => {
  test("returns 8 kHz mono input unchanged", () => {
    const pcm = tone(1000, 8000, 800, 8000);
    const out = toPcm8kMono({ sampleRate: 8000, channels: 1, pcm });
    expect(out.ok && [...out.value]).toEqual([...pcm]);
  });

  test("downmixes stereo by averaging the channels", () => {
    const out = toPcm8kMono({
      sampleRate: 8000,
      channels: 2,
      pcm: new Int16Array([1000, 3000, -32768, -32768, 32767, -32768]),
    });
    expect(out.ok && [...out.value]).toEqual([2000, -32768, -1]);
  });

  test("a 16 kHz stereo 1 kHz tone becomes 8 kHz mono, still 1 kHz, same duration and level", () => {
    const left = tone(1000, 16000, 16000, 10000);
    const pcm = new Int16Array(32000);
    for (let i = 0; i < 16000; i++) pcm[2 * i] = pcm[2 * i + 1] = left[i]!;
    const out = toPcm8kMono({ sampleRate: 16000, channels: 2, pcm });
    if (!out.ok) throw new Error(out.error.reason);
    expect(out.value.length).toBe(8000);
    const middle = out.value.subarray(1000, 7000);
    expect(dominantFrequency(middle, 8000)).toBe(1000);
    expect(Math.abs(db(goertzel(middle, 1000, 8000), 10000))).toBeLessThan(0.5);
  });

  for (const rate of [11025, 16000, 22050, 44100, 48000]) {
    test(`keeps timing at ${rate} Hz: a pulse at 0.5 s lands at sample 4000 ± 1.5, and the tail is kept`, () => {
      const pcm = new Int16Array(rate);
      const width = Math.round(rate / 1000);
      const at = rate / 2;
      pcm.fill(20000, at, at + width);
      pcm.fill(20000, rate - width); // last millisecond
      const out = toPcm8kMono({ sampleRate: rate, channels: 1, pcm });
      if (!out.ok) throw new Error(out.error.reason);
      expect(out.value.length).toBe(8000);
      let energy = 0;
      let moment = 0;
      for (let i = 2000; i < 6000; i++) {
        energy += out.value[i]! ** 2;
        moment += i * out.value[i]! ** 2;
      }
      expect(Math.abs(moment / energy - (4000 + ((width - 1) / 2) * (8000 / rate)))).toBeLessThan(1.5);
      expect(Math.max(...out.value.subarray(7990))).toBeGreaterThan(5000);
    });
  }

  test("says so when the rate pair needs too long a filter", () => {
    const out = toPcm8kMono({ sampleRate: 383_987, channels: 1, pcm: new Int16Array(10) });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.reason).toMatch(/383987 Hz cannot be converted to 8000 Hz/);
  });
});

// --- real files ----------------------------------------------------------------------------

describe("files written by sox and ffmpeg", () => {
  for (const rate of [8000, 11025, 16000, 22050, 44100, 48000]) {
    for (const channels of [1, 2] as const) {
      test.skipIf(skipWithout("sox"))(
        `sox ${rate} Hz ${channels}-channel 1 kHz tone → 1 s of 1 kHz at 8 kHz`,
        () => {
          const wav = ok(soxTone(rate, channels, 1));
          expect(wav.sampleRate).toBe(rate);
          expect(wav.channels).toBe(channels);
          expect(wav.pcm.length).toBe(rate * channels);
          const out = toPcm8kMono(wav);
          if (!out.ok) throw new Error(out.error.reason);
          expect(out.value.length).toBe(8000);
          expect(dominantFrequency(out.value.subarray(1000, 7000), 8000)).toBe(1000);
        },
      );
    }
  }

  test.skipIf(skipWithout("sox"))("sox's own refusals: 3 channels, 24-bit, float, µ-law", () => {
    expect(refusal(soxTone(8000, 3, 0.01)).kind).toBe("channels");
    expect(refusal(soxTone(8000, 1, 0.01, 1000, ["-b", "24"])).kind).toBe("bits");
    expect(refusal(soxTone(8000, 1, 0.01, 1000, ["-e", "floating-point", "-b", "32"])).kind).toBe(
      "format_tag",
    );
    expect(refusal(soxTone(8000, 1, 0.01, 1000, ["-e", "u-law", "-b", "8"])).reason).toMatch(/µ-law/);
  });

  test.skipIf(skipWithout("ffmpeg"))(
    "ffmpeg piped WAV (0xFFFFFFFF sizes, LIST chunk) parses to its samples",
    () => {
      const run = Bun.spawnSync([
        "ffmpeg",
        "-nostdin",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=44100:duration=0.25",
        "-f",
        "wav",
        "pipe:",
      ]);
      expect(run.exitCode).toBe(0);
      const wav = ok(new Uint8Array(run.stdout));
      expect(wav.sampleRate).toBe(44100);
      expect(wav.pcm.length).toBe(11025);
      const out = toPcm8kMono(wav);
      expect(out.ok && out.value.length).toBe(2000);
      if (out.ok) expect(dominantFrequency(out.value.subarray(200, 1800), 8000)).toBe(440);
    },
  );
});

// --- inline base64 PCM ---------------------------------------------------------------------

describe("decodeInlinePcm", () => {
  test("decodes PCM16 little-endian, with or without padding", () => {
    expect([...(decodeInlinePcm("AQL//w==") as { value: Int16Array }).value]).toEqual([0x0201, -1]);
    expect([...(decodeInlinePcm("AQL//w") as { value: Int16Array }).value]).toEqual([0x0201, -1]);
    expect([...(decodeInlinePcm("AIAAgA") as { value: Int16Array }).value]).toEqual([-32768, -32768]);
  });

  const bad: Array<[string, string, RegExp]> = [
    ["empty", "", /no PCM samples/],
    ["one byte", "AA==", /odd number of bytes/],
    ["three bytes", "AQID", /odd number of bytes/],
    ["URL-safe alphabet", "AQL-_w==", /not valid base64/],
    ["embedded whitespace", "AQL/ /w==", /not valid base64/],
    ["a lone final character", "AQL//", /not valid base64/],
    ["padding on a short group", "AQL//w=", /not valid base64/],
    ["padding in the middle", "AQ==AQ==", /not valid base64/],
    ["three padding characters", "AQ===", /not valid base64/],
  ];
  for (const [name, text, message] of bad) {
    test(`refuses ${name}`, () => {
      const r = decodeInlinePcm(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.reason).toMatch(message);
    });
  }

  test("round-trips any PCM through base64 with and without padding (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 200 }),
        (samples) => {
          const pcm = new Int16Array(samples);
          const text = new Uint8Array(pcm.buffer).toBase64();
          for (const t of [text, text.replace(/=+$/, "")]) {
            const r = decodeInlinePcm(t);
            expect(r.ok && [...r.value]).toEqual(samples);
          }
        },
      ),
    );
  });
});

// --- robustness ----------------------------------------------------------------------------

describe("never throws on arbitrary input (properties)", () => {
  test("parseWav on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(typeof parseWav(bytes).ok).toBe("boolean");
      }),
    );
  });

  test("parseWav on a RIFF/WAVE header with random fields and chunks: whole frames within the file", () => {
    fc.assert(
      fc.property(
        fc.record({
          tag: fc.constantFrom(1, 3, 0xfffe),
          channels: fc.integer({ min: 0, max: 3 }),
          rate: fc.constantFrom(0, 8000, 44100),
          bits: fc.constantFrom(8, 16),
        }),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 300 }),
        (f, junk, dataSize, tail) => {
          const bytes = riff(chunk("fmt ", fmt(f)), [...junk], [...ascii("data"), ...u32(dataSize), ...tail]);
          const r = parseWav(bytes);
          if (r.ok) {
            expect(r.value.pcm.length % r.value.channels).toBe(0);
            expect(r.value.pcm.length * 2).toBeLessThanOrEqual(bytes.length);
            expect(toPcm8kMono(r.value).ok).toBe(true);
          }
        },
      ),
    );
  });

  test("decodeInlinePcm on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (s) => {
        expect(typeof decodeInlinePcm(s).ok).toBe("boolean");
      }),
    );
  });
});
