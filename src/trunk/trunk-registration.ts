/**
 * One trunk's registration (sip.md §2), run on the injected Timers and the SIP stack: resolves
 * the registrar, picks the address to advertise (STUN-mapped, else the interface that routes
 * to the registrar), then drives the pure REGISTER client of `sip/ua/register-client.ts`
 * (digest on 401/407, refresh at 50 %, 423 → Min-Expires, backoff 1 s → 60 s forever).
 * Adds what the pure client leaves to its runner:
 * - NAT: the registrar's view of us (Via `received`/`rport`, RFC 3261 §18.2.1, RFC 3581 §4)
 *   replaces the Contact address; before a binding exists the pending request is corrected in
 *   place (the 401 retry already carries it), after a 2xx we re-register at once.
 * - Keep-alive: a double CRLF every 30 s while registered (RFC 5626 §3.5.1; also refreshes
 *   UDP NAT pinholes) so calls from the registrar can reach us between refreshes.
 */
import type { Clock, TimerHandle, Timers } from "../lib/clock.ts";
import { isWildcard, parseIp } from "../lib/ip.ts";
import type { Logger } from "../lib/logger.ts";
import type { Random } from "../lib/random.ts";
import { setHeader } from "../sip/message/index.ts";
import {
  backoffDelay,
  initialRegisterState,
  type RegisterAction,
  type RegisterInput,
  type RegisterState,
  type RegisterTimer,
  registerStep,
} from "../sip/ua/register-client.ts";
import type { Endpoint, SipTarget } from "../sip/ua/sip-service.ts";
import {
  addressOfRecord,
  contactUri,
  observedAddress,
  protocolOf,
  registrarUri,
  sameEndpoint,
} from "./contact.ts";
import type { TrunkNet, TrunkSettings, TrunkSip, TrunkState } from "./types.ts";

/** RFC 5626 §4.4.1 suggests 95-120 s for TCP; 30 s also keeps typical UDP NAT bindings alive. */
export const KEEPALIVE_INTERVAL_MS = 30_000;

export interface TrunkRegistrationOptions {
  trunk: TrunkSettings;
  sip: TrunkSip;
  net: TrunkNet;
  clock: Clock;
  timers: Timers;
  random: Random;
  logger: Logger;
  /** Requested lifetime (sip.md §2: 60 s). */
  expires: number;
  onState(state: TrunkState): void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class TrunkRegistration {
  private machine: RegisterState | undefined;
  private readonly timerHandles = new Map<RegisterTimer | "setup", TimerHandle>();
  private keepAliveHandle: TimerHandle | undefined;
  private setupFailures = 0;
  private stopping = false;
  private stoppedWaiters: Array<() => void> = [];
  private current: Mutable<TrunkState>;
  private target: SipTarget | undefined;
  private lastEmitted = "";
  /**
   * True after a re-REGISTER made at once because a 2xx named another address, until a 2xx
   * confirms the address. A registrar (or NAT) whose view changes on every answer then gets the
   * corrected Contact with the next refresh instead of an endless immediate loop.
   */
  private natReRegistered = false;

  constructor(private readonly o: TrunkRegistrationOptions) {
    this.current = { name: o.trunk.name, registered: false, phase: "idle" };
  }

  get state(): TrunkState {
    return { ...this.current };
  }

  start(): void {
    void this.setup();
  }

  /** Unregisters (Expires: 0) when a binding may exist; resolves once stopped. */
  stop(): Promise<void> {
    this.stopping = true;
    this.clearTimer("setup");
    this.stopKeepAlive();
    if (this.current.phase === "stopped") return Promise.resolve();
    const done = new Promise<void>((resolve) => this.stoppedWaiters.push(resolve));
    if (this.machine === undefined) this.finish();
    else this.step({ kind: "stop" });
    return done;
  }

  /** Applies a patch; listeners hear about it at the end of the current step ({@link flush}). */
  private update(patch: Partial<Mutable<TrunkState>>, clear: Array<keyof TrunkState> = []): void {
    for (const k of clear) delete this.current[k];
    Object.assign(this.current, patch);
  }

  /** Tells the listener the state when it changed since it last heard. */
  private flush(): void {
    const snapshot = JSON.stringify(this.current);
    if (snapshot === this.lastEmitted) return;
    this.lastEmitted = snapshot;
    try {
      this.o.onState({ ...this.current });
    } catch (e) {
      // A faulty listener must not break this trunk (sip.md §2: trunks are independent).
      this.o.logger.error("trunk: state listener threw", { trunk: this.o.trunk.name, error: String(e) });
    }
  }

  /** Resolve the registrar and choose our address; retried with the registration backoff. */
  private async setup(): Promise<void> {
    const t = this.o.trunk;
    this.update({ phase: "resolving" });
    this.flush();
    const protocol = protocolOf(t.transport);
    const failed = (reason: string): void => {
      const retryInMs = backoffDelay(this.setupFailures++);
      this.o.logger.warn("trunk: cannot register", { trunk: t.name, reason, retryInMs });
      this.update({ phase: "backoff", registered: false, lastError: reason, retryInMs });
      this.flush();
      this.setTimer("setup", retryInMs, () => void this.setup());
    };
    try {
      const local = this.o.sip.local(protocol);
      if (local === undefined) return failed(`no ${protocol} transport is listening`);
      const address = await this.o.net.resolve(t.host);
      if (this.stopping) return;
      if (address === undefined) return failed(`cannot resolve ${t.host}`);
      this.target = { protocol, address, port: t.port };
      const advertised = await this.chooseAddress(local, this.target);
      if (this.stopping) return;
      this.begin(advertised.at, advertised.source);
    } catch (e) {
      failed(String(e));
    }
  }

  private async chooseAddress(
    local: Endpoint,
    target: SipTarget,
  ): Promise<{ at: Endpoint; source: NonNullable<TrunkState["addressSource"]> }> {
    const t = this.o.trunk;
    if (t.stunServer !== undefined) {
      const mapped = await this.o.net.stunMappedAddress(t.stunServer);
      // The STUN query runs on its own socket, so only its IP is ours to keep; the SIP port's
      // own mapping is learnt from `rport` on the first response.
      if (mapped !== undefined) return { at: { address: mapped.address, port: local.port }, source: "stun" };
      this.o.logger.warn("trunk: STUN gave no address; using the local one", { trunk: t.name });
    }
    const ip = parseIp(local.address);
    if (ip !== undefined && !isWildcard(ip)) return { at: local, source: "local" };
    const routed = await this.o.net.localAddressTowards({ address: target.address, port: target.port });
    return { at: { address: routed ?? local.address, port: local.port }, source: "route" };
  }

  private begin(at: Endpoint, source: NonNullable<TrunkState["addressSource"]>): void {
    const t = this.o.trunk;
    this.setupFailures = 0;
    this.machine = initialRegisterState({
      registrar: registrarUri(t),
      aor: addressOfRecord(t),
      contact: contactUri(t, at),
      credentials: { username: t.username, password: t.password },
      expires: this.o.expires,
      callId: this.o.sip.newCallId(),
      fromTag: this.o.sip.newTag(),
      random: this.o.random,
    });
    this.update(
      {
        registrar: this.target,
        contact: this.machine.config.contact,
        publicAddress: at,
        addressSource: source,
      },
      ["retryInMs"],
    );
    this.step({ kind: "start" });
  }

  private step(input: RegisterInput): void {
    if (this.machine === undefined) return;
    const s = registerStep(this.machine, input);
    this.machine = s.state;
    this.update({ phase: s.state.phase });
    for (const a of s.actions) this.perform(a);
    this.flush();
  }

  private perform(a: RegisterAction): void {
    switch (a.kind) {
      case "send":
        void this.send(a.request);
        break;
      case "start-timer":
        this.setTimer(a.timer, a.delayMs, () => this.step({ kind: "timer", timer: a.timer }));
        break;
      case "cancel-timers":
        this.clearTimer("refresh");
        this.clearTimer("retry");
        break;
      case "registered":
        this.o.logger.info("trunk: registered", { trunk: this.o.trunk.name, expires: a.expires });
        this.update({ registered: true, expires: a.expires, ...this.since(true) }, [
          "lastError",
          "lastStatus",
          "retryInMs",
        ]);
        this.startKeepAlive();
        break;
      case "unregistered":
        this.o.logger.warn("trunk: registration failed", {
          trunk: this.o.trunk.name,
          reason: a.reason,
          status: a.status,
          retryInMs: a.retryInMs,
        });
        this.stopKeepAlive();
        this.update(
          {
            registered: false,
            lastError: a.reason,
            retryInMs: a.retryInMs,
            ...this.since(false),
            ...(a.status !== undefined ? { lastStatus: a.status } : {}),
          },
          ["expires", "lastStatus"],
        );
        break;
      case "stopped":
        this.finish();
        break;
    }
  }

  private async send(request: Parameters<TrunkSip["request"]>[1]): Promise<void> {
    const target = this.target;
    if (target === undefined) return;
    let outcome: Awaited<ReturnType<TrunkSip["request"]>>;
    try {
      outcome = await this.o.sip.request(target, request);
    } catch (e) {
      this.o.logger.error("trunk: request failed", { trunk: this.o.trunk.name, error: String(e) });
      outcome = { ok: false, reason: "transport-error" };
    }
    if (!outcome.ok) return this.step({ kind: "timeout" });
    const response = outcome.response;
    const moved = this.learnNat(response);
    this.step({ kind: "response", response });
    if (this.machine?.phase !== "registered") return;
    if (!moved) {
      this.natReRegistered = false;
    } else if (!this.natReRegistered) {
      // The binding just made names an address the registrar cannot reach: replace it now.
      this.natReRegistered = true;
      this.clearTimer("refresh");
      this.step({ kind: "timer", timer: "refresh" });
    } else {
      this.o.logger.warn("trunk: registrar sees us at a new address on every answer", {
        trunk: this.o.trunk.name,
      });
    }
  }

  /**
   * Takes the registrar's view of our address (Via received/rport) into the Contact. Returns
   * true when the response is a 2xx that bound the old Contact (so a re-register is due).
   */
  private learnNat(response: Parameters<typeof observedAddress>[0]): boolean {
    const m = this.machine;
    const at = this.current.publicAddress;
    if (m === undefined || at === undefined || m.phase === "unregistering" || m.pending === undefined)
      return false;
    const seen = observedAddress(response, protocolOf(this.o.trunk.transport), at);
    if (seen === undefined || sameEndpoint(seen, at)) return false;
    const contact = contactUri(this.o.trunk, seen);
    this.o.logger.info("trunk: registrar sees us at another address", {
      trunk: this.o.trunk.name,
      was: `${at.address}:${at.port}`,
      now: `${seen.address}:${seen.port}`,
    });
    // The pending REGISTER is what a 401/407 retry is built from (RFC 3261 §22.2): fix it too.
    const next: RegisterState = {
      ...m,
      config: { ...m.config, contact },
      pending: setHeader(m.pending, "Contact", `<${contact}>`),
    };
    this.machine = next;
    this.update({ contact, publicAddress: seen, addressSource: "received" });
    return response.status >= 200 && response.status < 300;
  }

  /** `since` moves only when `registered` flips. */
  private since(registered: boolean): { since?: number } {
    return this.current.registered === registered && this.current.since !== undefined
      ? {}
      : { since: this.o.clock.wallNow() };
  }

  private startKeepAlive(): void {
    if (this.keepAliveHandle !== undefined) return;
    this.keepAliveHandle = this.o.timers.setInterval(() => {
      const target = this.target;
      if (target === undefined) return;
      this.o.sip.keepAlive(target).then(
        (sent) => {
          if (!sent) this.o.logger.debug("trunk: keep-alive not sent", { trunk: this.o.trunk.name });
        },
        () => undefined,
      );
    }, KEEPALIVE_INTERVAL_MS);
  }

  private stopKeepAlive(): void {
    if (this.keepAliveHandle !== undefined) this.o.timers.clearInterval(this.keepAliveHandle);
    this.keepAliveHandle = undefined;
  }

  private setTimer(name: RegisterTimer | "setup", ms: number, fn: () => void): void {
    this.clearTimer(name);
    this.timerHandles.set(
      name,
      this.o.timers.setTimeout(() => {
        this.timerHandles.delete(name);
        fn();
      }, ms),
    );
  }

  private clearTimer(name: RegisterTimer | "setup"): void {
    const h = this.timerHandles.get(name);
    if (h !== undefined) this.o.timers.clearTimeout(h);
    this.timerHandles.delete(name);
  }

  private finish(): void {
    for (const name of [...this.timerHandles.keys()]) this.clearTimer(name);
    this.stopKeepAlive();
    this.update({ phase: "stopped", registered: false, ...this.since(false) }, ["expires", "retryInMs"]);
    this.flush();
    const waiters = this.stoppedWaiters;
    this.stoppedWaiters = [];
    for (const w of waiters) w();
  }
}
