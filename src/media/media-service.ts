/**
 * The media service (IO): binds RTP/RTCP port pairs with `Bun.udpSocket`, creates one
 * {@link RtpMediaSession} per call and drives them all from one shared 20 ms
 * {@link MediaClock}. Only `src/app.ts` constructs it; the call layer sees `MediaService`.
 */
import type { udp } from "bun";
import type { AudioCodec, CodecName } from "../codec/types.ts";
import type { Clock, Timers } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { Random } from "../lib/random.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { socketErrorText } from "../lib/socket-error.ts";
import { MediaClock } from "./media-clock.ts";
import { RtpMediaSession, type UdpSender } from "./media-session.ts";
import { PortPool, type PortRange } from "./port-pool.ts";
import type { MediaAllocationError, MediaService, MediaSession } from "./types.ts";

export interface MediaServiceOptions {
  /** Address to bind and advertise (spec/sip.md §10), e.g. "127.0.0.1" or "0.0.0.0". */
  bindAddress: string;
  /** Address written in SDP when bindAddress is a wildcard. */
  advertisedAddress?: string;
  /** Even RTP port range; { min: 0, max: 0 } for OS-assigned ports. */
  ports: PortRange;
  clock: Clock;
  timers: Timers;
  random: Random;
  logger: Logger;
  resolveCodec(name: CodecName): AudioCodec | undefined;
  /** Overrides the 30 s media timeout (tests). */
  timeoutMs?: number;
  /**
   * The process-wide 20 ms clock (DESIGN.md: one media clock for all calls). Services for the
   * trunk host and each trunk's RTP range share it; a service creates its own only when alone.
   */
  mediaClock?: MediaClock;
}

/** The shared 20 ms clock; a session that throws is logged and the others keep ticking. */
export function createMediaClock(clock: Clock, timers: Timers, logger: Logger): MediaClock {
  return new MediaClock(clock, timers, undefined, (e) =>
    logger.error("media tick failed", { error: e instanceof Error ? e.message : String(e) }),
  );
}

/**
 * Bun's UDP send throws (ECONNREFUSED …) after the kernel saw an ICMP error for that peer, e.g.
 * a caller whose RTP port is closed. A remote's behaviour must never throw on the media path:
 * the packet counts as not sent.
 */
function nonThrowingSender(udp: UdpSender): UdpSender {
  return {
    send(data, port, address) {
      try {
        return udp.send(data, port, address);
      } catch {
        return false;
      }
    },
  };
}

type DataHandler = (data: Uint8Array, port: number, address: string) => void;

/** A bound socket whose receive handler is attached once the session exists. */
interface BoundSocket {
  udp: udp.Socket<"uint8array">;
  handler: DataHandler | undefined;
}

export function createMediaService(opts: MediaServiceOptions): MediaService {
  const ownsClock = opts.mediaClock === undefined;
  const mediaClock = opts.mediaClock ?? createMediaClock(opts.clock, opts.timers, opts.logger);
  const pool = new PortPool<BoundSocket>(
    opts.ports,
    async (port) => {
      const bound: { handler: DataHandler | undefined } = { handler: undefined };
      const socket = await Bun.udpSocket({
        hostname: opts.bindAddress,
        port,
        binaryType: "uint8array",
        socket: {
          data(_s, data, rport, raddr) {
            bound.handler?.(data, rport, raddr);
          },
          // An ICMP port-unreachable from a remote that is not (yet) listening surfaces here as
          // ECONNREFUSED; it is normal on the media path and must not become an uncaught error.
          error(...args: unknown[]) {
            if (opts.logger.enabled("debug"))
              opts.logger.debug("rtp socket error", { port, error: socketErrorText(...args) });
          },
        },
      });
      const b: BoundSocket = Object.assign(bound, { udp: socket });
      return { socket: b, port: socket.port };
    },
    (s) => s.udp.close(),
  );
  const sessions = new Set<RtpMediaSession>();
  const advertised = opts.advertisedAddress ?? opts.bindAddress;
  let next = 0;

  return {
    async allocate(label: string): Promise<Result<MediaSession, MediaAllocationError>> {
      const pair = await pool.acquire();
      if (!pair.ok) {
        opts.logger.warn("rtp ports exhausted", { label, reason: pair.error });
        return err({ code: "ports_exhausted", message: pair.error });
      }
      const p = pair.value;
      const session: RtpMediaSession = new RtpMediaSession({
        localAddress: advertised,
        localPort: p.rtpPort,
        rtp: nonThrowingSender(p.rtp.udp),
        rtcp: nonThrowingSender(p.rtcp.udp),
        clock: opts.clock,
        mediaClock,
        random: opts.random,
        resolveCodec: opts.resolveCodec,
        ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
        cname: `xbridge-${next++}@${advertised}`,
        logger: opts.logger.child({ media: label }),
        release: () => {
          sessions.delete(session);
          pool.release(p);
        },
      });
      p.rtp.handler = (d, port, address) => session.handleRtp(d, port, address);
      p.rtcp.handler = (d, port, address) => session.handleRtcp(d, port, address);
      sessions.add(session);
      return ok(session);
    },
    get activeSessions() {
      return sessions.size;
    },
    close() {
      for (const s of [...sessions]) s.close();
      // A shared clock keeps ticking for the other services' calls.
      if (ownsClock) mediaClock.stop();
    },
  };
}
