/**
 * Runs the pure REGISTER client of `sip/ua/register-client.ts` on real timers and the stack's
 * non-INVITE client transactions (RFC 3261 §10.2; sip.md §2): one instance per trunk.
 */
import type { TimerHandle, Timers } from "../../lib/clock.ts";
import { Emitter } from "../../lib/emitter.ts";
import type { SipRequest } from "../message/index.ts";
import {
  initialRegisterState,
  type RegisterAction,
  type RegisterConfig,
  type RegisterInput,
  type RegisterState,
  type RegisterTimer,
  registerStep,
} from "../ua/register-client.ts";
import type { RegistrationEvents, RegistrationHandle, RequestOutcome } from "../ua/sip-service.ts";
import type { Source } from "./sip-io.ts";

export interface RegistrationHost {
  readonly timers: Timers;
  sendNonInvite(request: SipRequest, peer: Source): Promise<RequestOutcome>;
}

export class Registration extends Emitter<RegistrationEvents> implements RegistrationHandle {
  private state: RegisterState;
  private readonly handles = new Map<RegisterTimer, TimerHandle>();
  private stoppedWaiters: Array<() => void> = [];

  constructor(
    config: RegisterConfig,
    readonly registrar: Source,
    private readonly host: RegistrationHost,
  ) {
    super();
    this.state = initialRegisterState(config);
  }

  get phase(): RegisterState["phase"] {
    return this.state.phase;
  }

  start(): void {
    this.step({ kind: "start" });
  }

  /** Unregisters (Expires: 0) when bound; resolves once stopped. */
  stop(): Promise<void> {
    if (this.state.phase === "stopped") return Promise.resolve();
    const done = new Promise<void>((resolve) => this.stoppedWaiters.push(resolve));
    this.step({ kind: "stop" });
    return done;
  }

  private step(input: RegisterInput): void {
    const s = registerStep(this.state, input);
    this.state = s.state;
    for (const a of s.actions) this.perform(a);
  }

  private perform(a: RegisterAction): void {
    switch (a.kind) {
      case "send":
        this.host.sendNonInvite(a.request, this.registrar).then((outcome) => {
          this.step(outcome.ok ? { kind: "response", response: outcome.response } : { kind: "timeout" });
        });
        break;
      case "start-timer": {
        const old = this.handles.get(a.timer);
        if (old !== undefined) this.host.timers.clearTimeout(old);
        this.handles.set(
          a.timer,
          this.host.timers.setTimeout(() => {
            this.handles.delete(a.timer);
            this.step({ kind: "timer", timer: a.timer });
          }, a.delayMs),
        );
        break;
      }
      case "cancel-timers":
        for (const h of this.handles.values()) this.host.timers.clearTimeout(h);
        this.handles.clear();
        break;
      case "registered":
        this.emit("registered", { expires: a.expires });
        break;
      case "unregistered":
        this.emit("unregistered", {
          reason: a.reason,
          retryInMs: a.retryInMs,
          ...(a.status !== undefined ? { status: a.status } : {}),
        });
        break;
      case "stopped": {
        this.emit("stopped", undefined);
        const waiters = this.stoppedWaiters;
        this.stoppedWaiters = [];
        for (const w of waiters) w();
        break;
      }
    }
  }
}
