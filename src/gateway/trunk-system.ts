/**
 * Builds the trunk client of spec/sip.md §2 for the composition root: one SIP stack listening
 * on an ephemeral port of each transport the trunks use (bound to the interface that routes to
 * their registrars; TLS is a client of the registrar), the TrunkManager registering every
 * trunk on it, media services over the trunks' `rtp_port_*` ranges, and the adapters that turn
 * the stack and the registrations into the call layer's {@link TrunkPort}: trunk INVITEs go to
 * the registrar with the trunk's credentials, `P-Asserted-Identity` and registered Contact
 * (the stack answers 401/407 once and follows 3xx up to 3 hops), and INVITEs reaching our
 * Contact go to `CallManager.handleTrunkInvite`, re-INVITE/BYE to the dialog's call.
 */
import pkg from "../../package.json" with { type: "json" };
import type { CallManager } from "../call/call-manager.ts";
import type { MediaPort } from "../call/ports.ts";
import { uriHost } from "../call/trunk-host.ts";
import { type TrunkDialer, type TrunkLine, type TrunkPort, trunkDomain } from "../call/trunk-port.ts";
import { createCodecRegistry, createStandardCodecs } from "../codec/index.ts";
import type { TrunkConfig } from "../config/index.ts";
import type { Clock, Timers } from "../lib/clock.ts";
import { isWildcard, parseIp } from "../lib/ip.ts";
import type { Logger } from "../lib/logger.ts";
import type { Random } from "../lib/random.ts";
import { err, ok, type Result } from "../lib/result.ts";
import type { MediaClock } from "../media/media-clock.ts";
import { createMediaService } from "../media/media-service.ts";
import type { MediaService } from "../media/types.ts";
import { parseUri } from "../sip/message/index.ts";
import { type ListenOptions, SipStack } from "../sip/transport/sip-stack.ts";
import type { TransportProtocol } from "../sip/ua/sip-service.ts";
import {
  createSystemTrunkNet,
  createTrunkManager,
  sipStackPort,
  type TrunkManager,
  type TrunkNet,
  type TrunkState,
} from "../trunk/index.ts";
import { createMediaPort } from "./media-bridge.ts";
import { attachCallHandlers, DialogRoutes, placeInvite } from "./sip-bridge.ts";

export interface TrunkSystemDeps {
  clock: Clock;
  timers: Timers;
  random: Random;
  logger: Logger;
  /** Every change of a trunk's state (/health `trunks`, `xbridge_trunk_registered{trunk}`). */
  onState?: (state: TrunkState) => void;
  /** DNS, routing and STUN; the system's by default. */
  net?: TrunkNet;
  /** Address to bind SIP and RTP to instead of the routed interface (tests: 127.0.0.1). */
  bindAddress?: string;
  /** Certificate for the TLS transport's listener (`tls.cert`/`tls.key`); outgoing TLS needs none. */
  tls?: { cert: string; key: string };
  /** Verify the registrar's TLS certificate (default true). */
  verifyPeer?: boolean;
  /** Overrides the 30 s media timeout (tests). */
  mediaTimeoutMs?: number;
  /** The process-wide 20 ms media clock shared with the trunk host's media. */
  mediaClock?: MediaClock;
}

export interface TrunkSystem {
  readonly stack: SipStack;
  readonly registrations: TrunkManager;
  /** What `CallManagerOptions.trunkPort` takes. */
  readonly port: TrunkPort;
  /** Routes INVITEs to our Contacts (and their dialogs) to `calls`; once the CallManager exists. */
  attach(calls: CallManager): void;
  /** Starts every registration (progress through `onState`). */
  start(): void;
  /** Shutdown phase "unregister-trunks": REGISTER Expires: 0 for each trunk, bounded wait. */
  unregister(waitMs?: number): Promise<void>;
  /** Closes the client stack and the trunks' media (after the calls ended and trunks unregistered). */
  close(): Promise<void>;
}

const PROTOCOL: Record<TrunkConfig["transport"], TransportProtocol> = { udp: "UDP", tcp: "TCP", tls: "TLS" };

function wildcardFor(address: string | undefined): string {
  return address?.includes(":") ? "::" : "0.0.0.0";
}

/** The local interface that routes to the trunk's registrar (sip.md §2 "Public address"). */
async function routedAddress(t: TrunkConfig, net: TrunkNet): Promise<string | undefined> {
  const remote = await net.resolve(t.host);
  if (remote === undefined) return undefined;
  return net.localAddressTowards({ address: remote, port: t.port });
}

/**
 * One listen address per transport: the routed interface when every trunk on that transport
 * routes through the same one, else the wildcard (the registration then advertises the routed
 * interface of each trunk itself).
 */
function bindAddresses(
  trunks: readonly TrunkConfig[],
  routed: readonly (string | undefined)[],
  fixed: string | undefined,
): Map<TransportProtocol, string> {
  const byProtocol = new Map<TransportProtocol, string | undefined>();
  trunks.forEach((t, i) => {
    const p = PROTOCOL[t.transport];
    const address = fixed ?? routed[i];
    if (!byProtocol.has(p)) byProtocol.set(p, address);
    else if (byProtocol.get(p) !== address) byProtocol.set(p, wildcardFor(address));
  });
  const out = new Map<TransportProtocol, string>();
  for (const [p, a] of byProtocol) out.set(p, a ?? "0.0.0.0");
  return out;
}

/** Builds (and binds) the trunk client; `undefined` when no trunk is configured. */
export async function createTrunkSystem(
  trunks: readonly TrunkConfig[],
  d: TrunkSystemDeps,
): Promise<Result<TrunkSystem | undefined, string>> {
  if (trunks.length === 0) return ok(undefined);
  const net = d.net ?? createSystemTrunkNet({ timers: d.timers, random: d.random });
  const routed = await Promise.all(trunks.map((t) => routedAddress(t, net)));
  const binds = bindAddresses(trunks, routed, d.bindAddress);
  const listen: ListenOptions[] = [...binds].map(([protocol, hostname]) => ({
    protocol,
    hostname,
    port: 0,
    ...(protocol === "TLS" && d.tls !== undefined ? { tls: d.tls } : {}),
    ...(protocol === "TLS" && d.verifyPeer !== undefined ? { verifyPeer: d.verifyPeer } : {}),
  }));
  const sipLogger = d.logger.child({ component: "sip-trunk" });
  const stack = new SipStack({
    clock: d.clock,
    timers: d.timers,
    random: d.random,
    logger: sipLogger,
    listen,
    userAgent: `xbridge/${pkg.version}`,
  });
  try {
    await stack.start();
  } catch (e) {
    await stack.stop().catch(() => undefined);
    return err(`cannot open the trunk SIP transports: ${e instanceof Error ? e.message : String(e)}`);
  }

  // sip.md §10 "Ports": each trunk's own range; trunks with the same range and interface share a service.
  const codecs = createCodecRegistry(createStandardCodecs());
  const services = new Map<string, MediaService>();
  const mediaLogger = d.logger.child({ component: "media-trunk" });
  const mediaPorts: MediaPort[] = trunks.map((t, i) => {
    const bind = d.bindAddress ?? routed[i] ?? wildcardFor(undefined);
    const key = `${bind}|${t.rtpPorts.min}-${t.rtpPorts.max}`;
    let service = services.get(key);
    if (service === undefined) {
      service = createMediaService({
        bindAddress: bind,
        ports: t.rtpPorts,
        clock: d.clock,
        timers: d.timers,
        random: d.random,
        logger: mediaLogger,
        resolveCodec: (name) => codecs.get(name),
        ...(d.mediaTimeoutMs !== undefined ? { timeoutMs: d.mediaTimeoutMs } : {}),
        ...(d.mediaClock !== undefined ? { mediaClock: d.mediaClock } : {}),
      });
      services.set(key, service);
    }
    return createMediaPort(service, mediaLogger);
  });

  const registrations = createTrunkManager({
    trunks: trunks.map((t) => ({
      name: t.name,
      username: t.username,
      password: t.password,
      host: t.host,
      port: t.port,
      transport: t.transport,
      ...(t.stunServer !== undefined ? { stunServer: t.stunServer } : {}),
    })),
    stack: sipStackPort(stack),
    clock: d.clock,
    timers: d.timers,
    random: d.random,
    logger: d.logger,
    net,
    ...(d.onState !== undefined ? { onState: d.onState } : {}),
  });

  const routes = new DialogRoutes();
  const dialer: TrunkDialer = {
    invite: (req, handlers, dialogHandlers) =>
      placeInvite(stack, routes, sipLogger, req, handlers, dialogHandlers, {
        protocol: req.protocol,
        contact: req.contact,
        // RFC 3325 §9.1: the caller ID the app asked for (sip.md §2 "Outbound").
        headers: [{ name: "P-Asserted-Identity", value: req.assertedIdentity }],
        credentials: req.credentials,
        followRedirects: true,
      }),
  };
  const lines = (): TrunkLine[] =>
    trunks.map((t, i) => {
      const s = registrations.state(t.name);
      return {
        name: t.name,
        username: t.username,
        password: t.password,
        domain: trunkDomain(t.host, t.port, t.transport),
        srtp: t.srtp,
        registered: s?.registered === true,
        ...(s?.registrar !== undefined ? { registrar: s.registrar } : {}),
        ...(s?.contact !== undefined ? { contact: s.contact } : {}),
        ...(s?.publicAddress !== undefined ? { publicAddress: s.publicAddress.address } : {}),
        media: mediaPorts[i]!,
      };
    });

  for (const [protocol] of binds) {
    const local = stack.local(protocol);
    if (local === undefined) continue;
    const ip = parseIp(local.address);
    d.logger.info("sip trunk client listening", {
      transport: protocol.toLowerCase(),
      address: `${uriHost(local.address)}:${local.port}`,
      ...(ip !== undefined && isWildcard(ip)
        ? { note: "wildcard: each trunk advertises its routed interface" }
        : {}),
    });
  }

  return ok({
    stack,
    registrations,
    port: { lines, dialer },
    attach(calls) {
      attachCallHandlers(stack, calls, routes, (invite, request) => {
        const uri = parseUri(request.uri);
        // An INVITE to our Contact names the registered username (RFC 3261 §10.3, §16.5).
        const requestUser = uri.ok ? (uri.value.user ?? "") : "";
        return calls.handleTrunkInvite({ ...invite, requestUser });
      });
    },
    start: () => registrations.start(),
    unregister: (waitMs) => registrations.stop(waitMs),
    async close() {
      await stack.stop();
      for (const s of services.values()) s.close();
    },
  });
}
