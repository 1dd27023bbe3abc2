/**
 * Builds the call path of spec/README.md "Connection modes" for the trunk host: the SIP stack
 * on `server.listen` (UDP), the media service over `server.rtp_port_*`, the one CallManager,
 * the WebSocket stream hub, and the adapters between them. Returns the pieces the composition
 * root serves and shuts down.
 */
import pkg from "../../package.json" with { type: "json" };
import { streamMetricsOf } from "../api/routes/ws.ts";
import { CallManager } from "../call/call-manager.ts";
import type { MediaPort } from "../call/ports.ts";
import { createCodecRegistry, createStandardCodecs } from "../codec/index.ts";
import type { Config } from "../config/index.ts";
import type { Clock, Timers } from "../lib/clock.ts";
import { uriHost } from "../lib/ip.ts";
import type { Logger } from "../lib/logger.ts";
import type { Random } from "../lib/random.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { createMediaClock, createMediaService } from "../media/media-service.ts";
import type { MediaService } from "../media/types.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { NonceStore } from "../sip/auth/index.ts";
import { SipStack } from "../sip/transport/sip-stack.ts";
import { StreamHub } from "../stream/index.ts";
import type { TrunkState } from "../trunk/index.ts";
import type { WebhookDispatcher } from "../webhook/dispatcher.ts";
import type { IncomingClient } from "../webhook/incoming-client.ts";
import { createDigestPort } from "./digest-bridge.ts";
import { createEventFanout } from "./event-fanout.ts";
import { createMediaPort } from "./media-bridge.ts";
import { attachCallHandlers, createDialer, DialogRoutes } from "./sip-bridge.ts";
import { createTrunkSystem, type TrunkSystem } from "./trunk-system.ts";

export interface CallSystemDeps {
  clock: Clock;
  timers: Timers;
  random: Random;
  logger: Logger;
  metrics: Metrics;
  dispatcher: WebhookDispatcher;
  incoming: IncomingClient;
  /** Each registration state change (for /health and xbridge_trunk_registered). */
  onTrunkState?: (state: TrunkState) => void;
}

export interface CallSystem {
  readonly manager: CallManager;
  readonly hub: StreamHub;
  /** The trunk-host SIP stack, when `server` is configured. */
  readonly stack?: SipStack;
  readonly media?: MediaService;
  /** The trunk client side (registrations, client SIP stack), when `trunks`/`sip` is configured. */
  readonly trunks?: TrunkSystem;
}

const noMedia: MediaPort = { allocate: async () => undefined };

export async function createCallSystem(
  config: Config,
  d: CallSystemDeps,
): Promise<Result<CallSystem, string>> {
  const server = config.server;
  const routes = new DialogRoutes();
  let stack: SipStack | undefined;
  let media: MediaService | undefined;
  // One 20 ms clock drives every call's sending, trunk host and trunks alike (DESIGN.md).
  const mediaClock = createMediaClock(d.clock, d.timers, d.logger.child({ component: "media" }));
  if (server !== undefined) {
    const codecs = createCodecRegistry(createStandardCodecs());
    media = createMediaService({
      bindAddress: server.listen.host,
      ...(server.rtpAddress !== undefined ? { advertisedAddress: server.rtpAddress } : {}),
      ports: server.rtpPorts,
      clock: d.clock,
      timers: d.timers,
      random: d.random,
      logger: d.logger.child({ component: "media" }),
      resolveCodec: (name) => codecs.get(name),
      mediaClock,
    });
    stack = new SipStack({
      clock: d.clock,
      timers: d.timers,
      random: d.random,
      logger: d.logger.child({ component: "sip" }),
      listen: [{ protocol: "UDP", hostname: server.listen.host, port: server.listen.port }],
      userAgent: `xbridge/${pkg.version}`,
    });
    try {
      await stack.start();
    } catch (e) {
      media.close();
      const reason = e instanceof Error ? e.message : String(e);
      return err(
        `cannot listen on ${uriHost(server.listen.host)}:${server.listen.port} for SIP (UDP): ${reason}`,
      );
    }
  }

  const trunkBuilt = await createTrunkSystem(config.trunks, {
    clock: d.clock,
    timers: d.timers,
    random: d.random,
    logger: d.logger,
    mediaClock,
    ...(d.onTrunkState !== undefined ? { onState: d.onTrunkState } : {}),
    ...(config.tls !== undefined ? { tls: { cert: config.tls.cert, key: config.tls.key } } : {}),
  });
  if (!trunkBuilt.ok) {
    await stack?.stop();
    media?.close();
    return trunkBuilt;
  }
  const trunks = trunkBuilt.value;

  let manager: CallManager | undefined;
  const events = createEventFanout(d.dispatcher, d.metrics, () => manager);
  const local = stack?.local("UDP");
  manager = new CallManager({
    clock: d.clock,
    timers: d.timers,
    random: d.random,
    media: media ? createMediaPort(media, d.logger.child({ component: "media" })) : noMedia,
    decisions: d.incoming,
    events,
    digest: createDigestPort(new NonceStore({ random: d.random })),
    ...(server !== undefined ? { peers: server.peers } : {}),
    advertise: {
      listenAddress: local?.address ?? server?.listen.host ?? "127.0.0.1",
      ...(server?.rtpAddress !== undefined ? { rtpAddress: server.rtpAddress } : {}),
    },
    ...(stack !== undefined
      ? { dialer: createDialer(stack, routes, d.logger.child({ component: "sip" })) }
      : {}),
    trunks: config.trunks.map((t) => t.name),
    ...(trunks !== undefined ? { trunkPort: trunks.port } : {}),
    logger: d.logger.child({ component: "call" }),
  });
  if (stack !== undefined) attachCallHandlers(stack, manager, routes);
  trunks?.attach(manager);

  const calls = manager;
  const hub = new StreamHub({
    clock: d.clock,
    timers: d.timers,
    random: d.random,
    logger: d.logger.child({ component: "stream" }),
    metrics: streamMetricsOf(d.metrics),
    encoding: config.stream.encoding,
    findCall: (id) => calls.streamPort(id),
  });
  if (local !== undefined)
    d.logger.info("sip listening", { transport: "udp", address: `${local.address}:${local.port}` });
  return ok({
    manager,
    hub,
    ...(stack !== undefined ? { stack } : {}),
    ...(media !== undefined ? { media } : {}),
    ...(trunks !== undefined ? { trunks } : {}),
  });
}
