/**
 * Adapter from the media service (`media/types.ts`) to the call layer's `MediaPort`: maps the
 * SDP negotiation result (`NegotiatedMedia`, keys as RFC 4568 base64) onto `MediaParams`.
 * Also the loader of REST play audio (rest-api.md §3 `…/play`): URL fetch + WAV decode, or
 * inline PCM, to 8 kHz mono for the call's playback (the API layer may not import codecs).
 */

import type { AudioFetchError } from "../api/audio-fetch.ts";
import { type FetchAudioOptions, fetchAudio } from "../api/audio-fetch.ts";
import { ApiError } from "../api/errors.ts";
import type { PlayAudioLoader } from "../api/routes/call-control.ts";
import type { CallMedia, MediaPort } from "../call/ports.ts";
import { decodeInlinePcm, parseWav, toPcm8kMono } from "../codec/wav.ts";
import type { Logger } from "../lib/logger.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { MediaCrypto, MediaParams, MediaService, MediaSession } from "../media/types.ts";
import type { NegotiatedCrypto, NegotiatedMedia } from "../sdp/index.ts";
import type { SrtpKeyMaterial } from "../srtp/srtp-context.ts";

/** `inline:` key material: base64 of master key (16) || master salt (14) (RFC 4568 §6.1). */
function keyMaterial(suite: NegotiatedCrypto["suite"], base64: string): SrtpKeyMaterial | undefined {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
  if (bytes.length !== 30) return undefined;
  return { suite, masterKey: bytes.slice(0, 16), masterSalt: bytes.slice(16) };
}

export function mediaParams(m: NegotiatedMedia): MediaParams {
  const params: MediaParams = {
    codec: m.codec,
    payloadType: m.payloadType,
    remote: { address: m.remoteAddr, port: m.remotePort, rtcpPort: m.remoteRtcpPort },
  };
  if (m.telephoneEventPt !== undefined) params.telephoneEventPayloadType = m.telephoneEventPt;
  if (m.crypto !== undefined) {
    const local = keyMaterial(m.crypto.suite, m.crypto.localKey);
    const remote = keyMaterial(m.crypto.suite, m.crypto.remoteKey);
    // The SDP layer only hands over keys it parsed; a bad one here is a bug, not remote input.
    if (local !== undefined && remote !== undefined) params.crypto = { local, remote } satisfies MediaCrypto;
  }
  return params;
}

function callMedia(s: MediaSession): CallMedia {
  return {
    localPort: s.localPort,
    start: (m) => s.start(mediaParams(m)),
    update: (m) => s.update(mediaParams(m)),
    setDirection: (d) => s.setDirection(d),
    onTimeout: (fn) => {
      s.on("timeout", () => fn());
    },
    onDtmf: (fn) => {
      s.on("dtmf", (e) => fn(e.digit));
    },
    setFrameSource: (src) => s.setFrameSource(src),
    setFrameSink: (sink) => s.setFrameSink(sink),
    close: () => s.close(),
    setMuted: (muted) => s.setMuted(muted),
    sendDtmf: (digits) => s.sendDtmf(digits),
  };
}

export function createMediaPort(service: MediaService, logger: Logger): MediaPort {
  return {
    async allocate(callId) {
      const r = await service.allocate(callId);
      if (!r.ok) {
        logger.warn("no RTP port for call", { call_id: callId, reason: r.error.message });
        return undefined;
      }
      return callMedia(r.value);
    },
  };
}

type FetchAudio = (url: string, options?: FetchAudioOptions) => Promise<Result<Uint8Array, AudioFetchError>>;

/** rest-api.md §3 `…/play`: fetch failures → 502, anything wrong with the audio → 400 with the parser's reason. */
export function createPlayAudioLoader(fetch: FetchAudio = fetchAudio): PlayAudioLoader {
  return {
    async load(source) {
      if ("audio" in source) {
        const pcm = decodeInlinePcm(source.audio);
        return pcm.ok ? pcm : err(new ApiError("invalid_request", pcm.error.reason));
      }
      const body = await fetch(source.url);
      if (!body.ok) return err(new ApiError("bad_gateway", body.error.message));
      const wav = parseWav(body.value);
      if (!wav.ok) return err(new ApiError("invalid_request", wav.error.reason));
      const pcm = toPcm8kMono(wav.value);
      if (!pcm.ok) return err(new ApiError("invalid_request", pcm.error.reason));
      return pcm.value.length === 0
        ? err(new ApiError("invalid_request", "the WAV file holds no samples"))
        : ok(pcm.value);
    },
  };
}
