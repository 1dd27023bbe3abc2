/**
 * Public surface of trunk registration (sip.md §2): the manager, its ports and state, the
 * SipStack adapter and the system DNS/routing/STUN.
 */

export { sipStackPort } from "./stack-port.ts";
export { type StunQueryOptions, stunBinding } from "./stun-client.ts";
export { createSystemTrunkNet } from "./system-net.ts";
export {
  createTrunkManager,
  DEFAULT_UNREGISTER_WAIT_MS,
  type TrunkManager,
  type TrunkManagerOptions,
} from "./trunk-manager.ts";
export { KEEPALIVE_INTERVAL_MS } from "./trunk-registration.ts";
export type { TrunkNet, TrunkPhase, TrunkSettings, TrunkSip, TrunkState } from "./types.ts";
