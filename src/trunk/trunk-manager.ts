/**
 * The trunk registration manager (sip.md §2): one independent {@link TrunkRegistration} per
 * configured trunk, all on the same SIP stack. A trunk that fails (bad password, dead
 * registrar, DNS) retries on its own backoff and never delays or stops the others. State
 * changes go to `onState` (the composition root feeds /health and
 * `xbridge_trunk_registered{trunk}` from it); shutdown unregisters every trunk with a bounded
 * wait.
 */
import type { Clock, Timers } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { Random } from "../lib/random.ts";
import { DEFAULT_REGISTER_EXPIRES } from "../sip/ua/register-client.ts";
import { createSystemTrunkNet } from "./system-net.ts";
import { TrunkRegistration } from "./trunk-registration.ts";
import type { TrunkNet, TrunkSettings, TrunkSip, TrunkState } from "./types.ts";

/** How long shutdown waits for the Expires: 0 answers before giving up (sip.md §2). */
export const DEFAULT_UNREGISTER_WAIT_MS = 2000;

export interface TrunkManagerOptions {
  trunks: readonly TrunkSettings[];
  stack: TrunkSip;
  /** Wall time for each trunk's `since`. */
  clock: Clock;
  timers: Timers;
  random: Random;
  logger: Logger;
  /** Every change of one trunk's state. */
  onState?: (state: TrunkState) => void;
  /** DNS, routing and STUN; defaults to the system's (`createSystemTrunkNet`). */
  net?: TrunkNet;
  /** Requested REGISTER lifetime in seconds (sip.md §2: 60). */
  expires?: number;
}

export interface TrunkManager {
  /** Starts every registration (returns at once; progress arrives through `onState`). */
  start(): void;
  /** Unregisters every trunk (Expires: 0), waiting at most `waitMs` for the registrars. */
  stop(waitMs?: number): Promise<void>;
  /** All trunks in config order. */
  states(): TrunkState[];
  state(name: string): TrunkState | undefined;
  isRegistered(name: string): boolean;
}

export function createTrunkManager(options: TrunkManagerOptions): TrunkManager {
  const logger = options.logger.child({ component: "trunk" });
  const registrations = options.trunks.map(
    (trunk) =>
      new TrunkRegistration({
        trunk,
        sip: options.stack,
        net: options.net ?? createSystemTrunkNet({ timers: options.timers, random: options.random }),
        clock: options.clock,
        timers: options.timers,
        random: options.random,
        logger,
        expires: options.expires ?? DEFAULT_REGISTER_EXPIRES,
        onState: (s) => options.onState?.(s),
      }),
  );
  const byName = new Map(options.trunks.map((t, i) => [t.name, registrations[i]!]));
  let started = false;
  return {
    start() {
      if (started) return;
      started = true;
      for (const r of registrations) r.start();
    },
    async stop(waitMs = DEFAULT_UNREGISTER_WAIT_MS) {
      let handle: ReturnType<Timers["setTimeout"]> | undefined;
      const deadline = new Promise<void>((resolve) => {
        handle = options.timers.setTimeout(resolve, waitMs);
      });
      await Promise.race([Promise.all(registrations.map((r) => r.stop())), deadline]);
      if (handle !== undefined) options.timers.clearTimeout(handle);
    },
    states: () => registrations.map((r) => r.state),
    state: (name) => byName.get(name)?.state,
    isRegistered: (name) => byName.get(name)?.state.registered === true,
  };
}
