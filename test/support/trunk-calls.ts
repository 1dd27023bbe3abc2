/**
 * An in-process CallManager over a trunk system, for the trunk tests: it accepts every call
 * (recording each `/incoming` request) and records every CallEvent; media is not allocated.
 */
import { CallManager } from "../../src/call/call-manager.ts";
import type { CallEvent, IncomingCallRequest } from "../../src/call/events.ts";
import { createDigestPort } from "../../src/gateway/digest-bridge.ts";
import type { TrunkSystem } from "../../src/gateway/trunk-system.ts";
import type { Timers } from "../../src/lib/clock.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { systemClock } from "../../src/runtime/system-clock.ts";
import { NonceStore } from "../../src/sip/auth/index.ts";

/** Builds the manager, attaches it to `system` and starts the registrations. */
export function acceptingTrunkCalls(
  system: TrunkSystem,
  timers: Timers,
  decisions: IncomingCallRequest[],
  events: CallEvent[],
): CallManager {
  const manager = new CallManager({
    clock: systemClock,
    timers,
    random: cryptoRandom,
    media: { allocate: async () => undefined },
    decisions: {
      decide: async (r) => {
        decisions.push(r);
        return { action: "accept", stream: true, customParameters: {} };
      },
    },
    events: (e) => events.push(e),
    digest: createDigestPort(new NonceStore({ random: cryptoRandom })),
    advertise: { listenAddress: "127.0.0.1" },
    trunkPort: system.port,
  });
  system.attach(manager);
  system.start();
  return manager;
}
