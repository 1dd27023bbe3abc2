/**
 * A media service on 127.0.0.1 with real sockets, clock and timers and a PCMU-only codec
 * registry, as the loopback media tests use it. The caller keeps the service and closes it.
 */
import { pcmuCodec } from "../../src/codec/g711.ts";
import { createCodecRegistry } from "../../src/codec/registry.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMediaService, type MediaServiceOptions } from "../../src/media/media-service.ts";
import type { MediaService, MediaSession } from "../../src/media/types.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../src/runtime/system-clock.ts";

export const HOST = "127.0.0.1";

const registry = createCodecRegistry([pcmuCodec]);

/** Any free port (`ports: 0..0`); `over` replaces single options (pool bounds, timeouts). */
export function loopbackMediaService(over: Partial<MediaServiceOptions> = {}): MediaService {
  return createMediaService({
    bindAddress: HOST,
    ports: { min: 0, max: 0 },
    clock: systemClock,
    timers: createSystemTimers(),
    random: cryptoRandom,
    logger: nullLogger,
    resolveCodec: (n) => registry.get(n),
    ...over,
  });
}

/** Allocates a session for `callId`, failing the test when the pool refuses. */
export async function allocateSession(s: MediaService, callId: string): Promise<MediaSession> {
  const r = await s.allocate(callId);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
