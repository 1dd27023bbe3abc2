/**
 * A scripted registrar behind a fake {@link TrunkSip}: answers REGISTER with a digest
 * challenge (qop=auth) and verifies the retry with `sip/auth`, binds Contacts with the
 * requested lifetime, stamps Via `received`/`rport` like a NATed registrar, and can be told
 * to go silent or answer with a fixed status. Each request resolves on a microtask, so tests
 * drive time with ManualClock and `settle()` instead of sleeping.
 */

import { buildChallenge, NonceStore, verifyAuthorization } from "../../src/sip/auth/index.ts";
import {
  createResponse,
  getHeader,
  type SipRequest,
  type SipResponse,
  topVia,
  withTopVia,
} from "../../src/sip/message/index.ts";
import type { RequestOutcome, SipTarget, TransportProtocol } from "../../src/sip/ua/sip-service.ts";
import type { TrunkSip } from "../../src/trunk/index.ts";
import type { ManualClock } from "../support/manual-clock.ts";
import { seededRandom } from "../support/seeded-random.ts";

export interface FakeRegistrarOptions {
  clock: ManualClock;
  users: Record<string, string>;
  /**
   * Where the registrar says our requests come from (NAT): stamped as received/rport. A
   * function is asked on every response (a NAT that keeps changing its mapping).
   */
  seenFrom?: { address: string; port: number } | (() => { address: string; port: number });
  /** Lifetime granted as Contact;expires (default: the requested Expires). */
  grant?: number;
  minExpires?: number;
  /** Bind without asking for credentials (a registrar that trusts the source address). */
  noChallenge?: boolean;
}

export interface Sent {
  target: SipTarget;
  request: SipRequest;
  at: number;
}

export class FakeRegistrar {
  readonly sent: Sent[] = [];
  readonly keepAlives: Array<{ target: SipTarget; at: number }> = [];
  /** AOR user → contact and absolute expiry (ms). */
  readonly bindings = new Map<string, { contact: string; until: number }>();
  /**
   * "silent": the transaction times out; "hang": the request never completes (a stack that
   * is still retransmitting); a number answers that status.
   */
  mode: "normal" | "silent" | "hang" | number = "normal";
  private readonly nonces: NonceStore;

  constructor(private readonly o: FakeRegistrarOptions) {
    this.nonces = new NonceStore({ random: seededRandom(99) });
  }

  sip(local: Partial<Record<TransportProtocol, { address: string; port: number }>>): TrunkSip {
    let n = 0;
    return {
      request: (target, request) =>
        this.mode === "hang"
          ? new Promise<RequestOutcome>(() => undefined)
          : Promise.resolve(this.answer(target, request)),
      local: (p) => local[p],
      newTag: () => `tag${++n}`,
      newCallId: () => `call${++n}`,
      keepAlive: (target) => {
        this.keepAlives.push({ target, at: this.o.clock.now() });
        return Promise.resolve(true);
      },
    };
  }

  registered(user: string): boolean {
    const b = this.bindings.get(user);
    return b !== undefined && b.until > this.o.clock.now();
  }

  private respond(req: SipRequest, status: number, headers: Array<{ name: string; value: string }> = []) {
    let res: SipResponse = createResponse(req, status, undefined, { headers, toTag: "reg" });
    const via = topVia(res);
    const seen = typeof this.o.seenFrom === "function" ? this.o.seenFrom() : this.o.seenFrom;
    if (via !== undefined && seen !== undefined) {
      const params = new Map(via.params);
      params.set("received", seen.address);
      params.set("rport", String(seen.port));
      res = withTopVia(res, { ...via, params });
    }
    return { ok: true, response: res } as const;
  }

  private answer(target: SipTarget, bare: SipRequest): RequestOutcome {
    // The stack adds our Via; so does this fake, so responses can carry received/rport.
    const request = withTopVia(bare, {
      protocol: "SIP/2.0",
      transport: target.protocol,
      host: "10.0.0.2",
      port: 5060,
      params: new Map([
        ["branch", `z9hG4bK${this.sent.length}`],
        ["rport", null],
      ]),
    });
    this.sent.push({ target, request, at: this.o.clock.now() });
    if (this.mode === "silent") return { ok: false, reason: "timeout" };
    if (typeof this.mode === "number") return this.respond(request, this.mode);
    const auth = getHeader(request, "Authorization");
    if (this.o.noChallenge === true) return this.bind(request, "alice");
    if (auth === undefined) {
      const nonce = this.nonces.issue(this.o.clock.now());
      return this.respond(request, 401, [
        { name: "WWW-Authenticate", value: buildChallenge(nonce, { realm: "test" }) },
      ]);
    }
    const v = verifyAuthorization(this.nonces, {
      authorization: auth,
      method: "REGISTER",
      now: this.o.clock.now(),
      realm: "test",
      passwordFor: (u) => this.o.users[u],
    });
    if (v.verdict !== "ok") return this.respond(request, 403);
    return this.bind(request, v.username);
  }

  private bind(request: SipRequest, user: string): RequestOutcome {
    const expires = Number(getHeader(request, "Expires"));
    if (this.o.minExpires !== undefined && expires > 0 && expires < this.o.minExpires)
      return this.respond(request, 423, [{ name: "Min-Expires", value: String(this.o.minExpires) }]);
    const contactHeader = getHeader(request, "Contact") ?? "";
    const contactText = contactHeader.replace(/^<|>$/g, "");
    if (expires === 0) {
      this.bindings.delete(user);
      return this.respond(request, 200);
    }
    const granted = this.o.grant ?? expires;
    this.bindings.set(user, { contact: contactText, until: this.o.clock.now() + granted * 1000 });
    return this.respond(request, 200, [{ name: "Contact", value: `<${contactText}>;expires=${granted}` }]);
  }
}

/** Lets pending promise continuations run (no timers involved). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
