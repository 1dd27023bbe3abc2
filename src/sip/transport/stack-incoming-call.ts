/**
 * One received INVITE as the call layer sees it (sip.md §5-§6): ring, accept with an SDP answer,
 * reject, and learn about CANCEL, the ACK, or its absence. Drives the pure UAS machine of
 * `sip/ua/uas-invite.ts` on real timers; the first response of each kind goes through the
 * INVITE server transaction, 2xx retransmissions straight to the transport (RFC 6026 §7.1:
 * the TU retransmits the 2xx).
 */
import type { TimerHandle, Timers } from "../../lib/clock.ts";
import { Emitter } from "../../lib/emitter.ts";
import type { Header, SipRequest, SipResponse } from "../message/index.ts";
import type { RequestOptions, ServerInvite, ServerInviteEvents } from "../ua/sip-service.ts";
import {
  startUasInvite,
  type UasInviteAction,
  type UasInviteInput,
  type UasInviteState,
  uasInviteStep,
} from "../ua/uas-invite.ts";
import type { Source } from "./sip-io.ts";
import type { SipDialog } from "./stack-dialog.ts";

/** What an incoming call needs from the stack. */
export interface IncomingCallHost {
  readonly timers: Timers;
  /** First response of a kind: through the INVITE server transaction. */
  respond(call: IncomingCall, response: SipResponse): void;
  /** 2xx retransmission: straight to the transport (§18.2.2 routing). */
  retransmit(response: SipResponse, source: Source): void;
  /** Our Contact URI for responses that create a dialog (§12.1.1: 101-299 to INVITE carry one). */
  contactFor(source: Source): string;
  /** T1/T2 of the stack (the 2xx retransmission schedule, §13.3.1.4). */
  readonly timerConfig: { T1?: number; T2?: number };
  /** Tracks calls whose 2xx waits for an ACK (matched by Call-ID, To tag and CSeq). */
  awaitAck(call: IncomingCall, waiting: boolean): void;
  /** Monotonic milliseconds for the pure machine. */
  now(): number;
  /** Registers the dialog our 2xx creates (§12.1.1). */
  openDialog(call: IncomingCall, response: SipResponse): SipDialog | undefined;
}

export class IncomingCall extends Emitter<ServerInviteEvents> implements ServerInvite {
  private state: UasInviteState;
  private readonly timerHandles = new Map<string, TimerHandle>();
  private dialogValue: SipDialog | undefined;

  constructor(
    /** The INVITE server transaction's id. */
    readonly txId: string,
    readonly request: SipRequest,
    readonly source: Source,
    readonly toTag: string,
    private readonly host: IncomingCallHost,
    /** Set for a re-INVITE: the dialog it arrived in. */
    readonly existingDialog?: SipDialog,
  ) {
    super();
    const start = startUasInvite(request, toTag, host.timerConfig);
    this.state = start.state;
    this.dialogValue = existingDialog;
    // §12.2.2: a re-INVITE is a target refresh request.
    existingDialog?.refreshTarget(request);
    this.perform(start.actions);
  }

  get phase(): UasInviteState["phase"] {
    return this.state.phase;
  }

  /** The dialog (after `accept`, or the existing one for a re-INVITE). */
  get dialog(): SipDialog | undefined {
    return this.dialogValue;
  }

  /** Sends a provisional response (default 180 Ringing). */
  ring(status = 180, options: RequestOptions = {}): void {
    this.step({ kind: "provisional", status, ...this.withContact(options) });
  }

  /** Sends 200 OK (retransmitted until ACK) and returns the dialog it creates. */
  accept(options: RequestOptions = {}): SipDialog | undefined {
    if (this.state.phase !== "proceeding") return this.dialogValue;
    this.step({ kind: "accept", ...this.withContact(options) });
    const final = this.state.final;
    if (this.dialogValue === undefined && final !== undefined)
      this.dialogValue = this.host.openDialog(this, final);
    return this.dialogValue;
  }

  reject(status: number, reason?: string, headers?: Header[]): void {
    this.step({
      kind: "reject",
      status,
      ...(reason !== undefined ? { reason } : {}),
      ...(headers !== undefined ? { headers } : {}),
    });
  }

  /** Stack input: a CANCEL matched this INVITE (§9.2). */
  cancel(): void {
    this.step({ kind: "cancel" });
  }

  /** Stack input: the ACK for our 2xx. */
  ack(ack: SipRequest): void {
    if (this.state.phase !== "accepted") return;
    this.step({ kind: "ack" });
    if (this.phaseNow() === "confirmed") this.emit("confirmed", ack);
  }

  /** Stops timers (shutdown). */
  dispose(): void {
    for (const h of this.timerHandles.values()) this.host.timers.clearTimeout(h);
    this.timerHandles.clear();
  }

  /** The phase after a step (a method, so TypeScript does not keep an earlier narrowing). */
  private phaseNow(): UasInviteState["phase"] {
    return this.state.phase;
  }

  private withContact(options: RequestOptions): RequestOptions {
    const headers = options.headers ?? [];
    if (headers.some((h) => /^(contact|m)$/i.test(h.name))) return options;
    return {
      ...options,
      headers: [{ name: "Contact", value: `<${this.host.contactFor(this.source)}>` }, ...headers],
    };
  }

  private step(input: UasInviteInput): void {
    const s = uasInviteStep(this.state, input, this.host.now());
    this.state = s.state;
    this.host.awaitAck(this, s.state.phase === "accepted");
    this.perform(s.actions);
  }

  private perform(actions: UasInviteAction[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case "respond":
          if (a.retransmission) this.host.retransmit(a.response, this.source);
          else this.host.respond(this, a.response);
          break;
        case "start-timer": {
          const old = this.timerHandles.get(a.timer);
          if (old !== undefined) this.host.timers.clearTimeout(old);
          this.timerHandles.set(
            a.timer,
            this.host.timers.setTimeout(() => {
              this.timerHandles.delete(a.timer);
              this.step({ kind: "timer", timer: a.timer });
            }, a.delayMs),
          );
          break;
        }
        case "stop-timer": {
          const h = this.timerHandles.get(a.timer);
          if (h !== undefined) this.host.timers.clearTimeout(h);
          this.timerHandles.delete(a.timer);
          break;
        }
        case "cancelled":
          this.emit("cancelled", undefined);
          break;
        case "ack-timeout":
          this.emit("ack-timeout", undefined);
          break;
      }
    }
  }
}
