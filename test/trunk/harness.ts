/** Builds a trunk manager over a {@link FakeRegistrar} on a ManualClock (no sockets, no sleeping). */
import { nullLogger } from "../../src/lib/logger.ts";
import type { TransportProtocol } from "../../src/sip/ua/sip-service.ts";
import {
  createTrunkManager,
  type TrunkManager,
  type TrunkNet,
  type TrunkSettings,
  type TrunkState,
} from "../../src/trunk/index.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { seededRandom } from "../support/seeded-random.ts";
import { FakeRegistrar, type FakeRegistrarOptions, settle } from "./fake-registrar.ts";

export function trunk(overrides: Partial<TrunkSettings> = {}): TrunkSettings {
  return {
    name: "pbx",
    username: "alice",
    password: "alicepw",
    host: "192.0.2.10",
    port: 5060,
    transport: "udp",
    ...overrides,
  };
}

export interface Harness {
  clock: ManualClock;
  registrar: FakeRegistrar;
  manager: TrunkManager;
  events: TrunkState[];
  /** Moves time forward in 100 ms steps, letting request continuations run in between. */
  run(ms: number): Promise<void>;
}

export function harness(
  trunks: TrunkSettings[],
  opts: Partial<Omit<FakeRegistrarOptions, "clock">> & {
    net?: Partial<TrunkNet>;
    local?: Partial<Record<TransportProtocol, { address: string; port: number }>>;
    onState?: (s: TrunkState) => void;
  } = {},
): Harness {
  const clock = new ManualClock();
  const registrar = new FakeRegistrar({ clock, users: { alice: "alicepw", bob: "bobpw" }, ...opts });
  const events: TrunkState[] = [];
  const net: TrunkNet = {
    resolve: (h) => Promise.resolve(h === "unresolvable.invalid" ? undefined : h),
    localAddressTowards: () => Promise.resolve("10.0.0.2"),
    stunMappedAddress: () => Promise.resolve(undefined),
    ...opts.net,
  };
  const manager = createTrunkManager({
    trunks,
    stack: registrar.sip(
      opts.local ?? {
        UDP: { address: "10.0.0.2", port: 5060 },
        TCP: { address: "10.0.0.2", port: 5070 },
        TLS: { address: "10.0.0.2", port: 5071 },
      },
    ),
    clock,
    timers: clock,
    random: seededRandom(5),
    logger: nullLogger,
    net,
    onState: (s) => {
      events.push(s);
      opts.onState?.(s);
    },
  });
  return {
    clock,
    registrar,
    manager,
    events,
    async run(ms: number) {
      await settle();
      for (let t = 0; t < ms; t += 100) {
        clock.advance(Math.min(100, ms - t));
        await settle();
      }
    },
  };
}
