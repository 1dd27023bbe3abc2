/**
 * The set of codecs a gateway instance can use, built once by the composition root and passed
 * to the media and stream layers (no global registry). Looks codecs up by the encoding name of
 * an SDP `a=rtpmap` line, case-insensitively (RFC 4855 §3: media subtype names are
 * case-insensitive), and checks the clock rate the offer states against ours.
 */
import { pcmaCodec, pcmuCodec } from "./g711.ts";
import { g722Codec } from "./g722.ts";
import { createOpusCodec, type OpusOptions } from "./opus.ts";
import type { AudioCodec, CodecName } from "./types.ts";

export interface CodecRegistry {
  /** Codec by name, or undefined when this instance does not offer it. */
  get(name: CodecName): AudioCodec | undefined;
  /**
   * Codec for an rtpmap `encoding/clock` pair (e.g. "PCMU", 8000; "opus", 48000), or undefined
   * when the name is unknown or the clock rate differs from the codec's RTP clock.
   */
  fromRtpmap(encoding: string, clockRate: number): AudioCodec | undefined;
  /** Names in the spec/sip.md §10 offer order: PCMU, PCMA, G722, opus. */
  readonly names: readonly CodecName[];
}

const OFFER_ORDER: readonly CodecName[] = ["pcmu", "pcma", "g722", "opus"];

export function createCodecRegistry(codecs: readonly AudioCodec[]): CodecRegistry {
  const byName = new Map<CodecName, AudioCodec>();
  for (const c of codecs) byName.set(c.name, c);
  const names = OFFER_ORDER.filter((n) => byName.has(n));
  return {
    names,
    get: (name) => byName.get(name),
    fromRtpmap(encoding, clockRate) {
      const name = encoding.toLowerCase();
      const codec = (OFFER_ORDER as readonly string[]).includes(name)
        ? byName.get(name as CodecName)
        : undefined;
      return codec && codec.rtpClockRate === clockRate ? codec : undefined;
    },
  };
}

export interface StandardCodecOptions {
  /** Codecs to leave out (e.g. ["opus"] for a deployment that never offers it). */
  exclude?: readonly CodecName[];
  opus?: OpusOptions;
}

/** PCMU, PCMA, G.722 and Opus, minus `exclude`. Opus's WASM module loads on first use. */
export function createStandardCodecs(options: StandardCodecOptions = {}): AudioCodec[] {
  const all = [pcmuCodec, pcmaCodec, g722Codec, createOpusCodec(options.opus)];
  return all.filter((c) => !options.exclude?.includes(c.name));
}
