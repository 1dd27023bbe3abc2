/**
 * Adapter from the media service (`media/types.ts`) to the call layer's `MediaPort`: maps the
 * SDP negotiation result (`NegotiatedMedia`, keys as RFC 4568 base64) onto `MediaParams`.
 */
import type { CallMedia, MediaPort } from "../call/ports.ts";
import type { Logger } from "../lib/logger.ts";
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
