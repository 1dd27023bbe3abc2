/**
 * The call layer's `DigestPort` over `sip/auth` (sip.md §3 steps 2–3): nonces issued and
 * remembered by the NonceStore (5 min expiry, one-time nc), challenges and verification.
 */
import type { DigestPort } from "../call/ports.ts";
import { buildChallenge, type NonceStore, verifyAuthorization } from "../sip/auth/index.ts";

export function createDigestPort(store: NonceStore): DigestPort {
  return {
    challenge: (now, stale) => buildChallenge(store.issue(now), { stale }),
    verify: (authorization, method, now, passwordFor) =>
      verifyAuthorization(store, { authorization, method, now, passwordFor }),
  };
}
