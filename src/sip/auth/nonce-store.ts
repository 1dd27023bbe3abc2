/**
 * Server nonces for digest authentication (RFC 7616 §3.3, §5.4–§5.5; spec sip.md §3): 128-bit
 * random hex, remembered with their issue time, valid for 5 minutes, and with the highest
 * nonce-count seen so a captured Authorization cannot be replayed. Bounded: when full, the
 * oldest nonce is forgotten (its holder simply gets a fresh challenge). Pure: time is passed in,
 * randomness injected.
 */
import { type Random, randomHex } from "../../lib/random.ts";

export const NONCE_LIFETIME_MS = 5 * 60 * 1000;
const DEFAULT_MAX_NONCES = 10_000;

interface NonceEntry {
  issuedAt: number;
  /** Highest nc accepted; 0 = never used. */
  lastNc: number;
}

export type NonceCheck =
  | { status: "fresh" }
  | { status: "expired" }
  | { status: "unknown" }
  /** nc not above the last accepted one: a replay or a reordered duplicate. */
  | { status: "replayed" };

export interface NonceStoreOptions {
  random: Random;
  lifetimeMs?: number;
  maxNonces?: number;
}

export class NonceStore {
  private readonly entries = new Map<string, NonceEntry>();
  private readonly random: Random;
  private readonly lifetimeMs: number;
  private readonly maxNonces: number;

  constructor(options: NonceStoreOptions) {
    this.random = options.random;
    this.lifetimeMs = options.lifetimeMs ?? NONCE_LIFETIME_MS;
    this.maxNonces = Math.max(1, options.maxNonces ?? DEFAULT_MAX_NONCES);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A new 128-bit nonce (sip.md §3 step 3), remembered from `now`. */
  issue(now: number): string {
    this.prune(now);
    while (this.entries.size >= this.maxNonces) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    const nonce = randomHex(this.random, 16);
    this.entries.set(nonce, { issuedAt: now, lastNc: 0 });
    return nonce;
  }

  /** Where `nonce` stands at `now`, without consuming it. */
  check(nonce: string, nc: number, now: number): NonceCheck {
    const e = this.entries.get(nonce);
    if (e === undefined) return { status: "unknown" };
    if (now - e.issuedAt >= this.lifetimeMs) return { status: "expired" };
    if (nc <= e.lastNc) return { status: "replayed" };
    return { status: "fresh" };
  }

  /**
   * Records that `nc` was accepted for `nonce` (call only after the response verified, so a
   * forged attempt cannot burn a legitimate client's count). Without qop the caller passes
   * nc = 1, making the nonce single-use (RFC 7616 §5.5).
   */
  consume(nonce: string, nc: number): void {
    const e = this.entries.get(nonce);
    if (e !== undefined && nc > e.lastNc) e.lastNc = nc;
  }

  /** Drops nonces long past expiry; an expired nonce is kept one extra lifetime so it can yield `stale`. */
  private prune(now: number): void {
    for (const [nonce, e] of this.entries) {
      if (now - e.issuedAt < 2 * this.lifetimeMs) break; // insertion order = issue order
      this.entries.delete(nonce);
    }
  }
}
