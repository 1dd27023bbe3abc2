/**
 * One INVITE we send (sip.md §2, §4, §6) as the call layer sees it: provisional responses, the
 * answer (with the confirmed dialog), failure or cancellation, and `cancel()`. Drives the pure
 * UAC machine of `sip/ua/uac-invite.ts`; the stack puts each INVITE and CANCEL in a client
 * transaction and sends ACK/BYE for 2xx outside of one (§13.2.2.4, §17.1.1.3).
 */
import { Emitter } from "../../lib/emitter.ts";
import type { Dialog } from "../dialog/index.ts";
import type { SipRequest, SipResponse } from "../message/index.ts";
import type { ClientInvite, ClientInviteEvents } from "../ua/sip-service.ts";
import {
  startUacInvite,
  type UacInviteAction,
  type UacInviteInput,
  type UacInviteOptions,
  type UacInviteState,
  uacInviteStep,
} from "../ua/uac-invite.ts";
import type { Source } from "./sip-io.ts";
import type { SipDialog } from "./stack-dialog.ts";

/** What an outgoing call needs from the stack. */
export interface OutgoingCallHost {
  /** Adds our Via, starts an INVITE client transaction; returns the request as sent. */
  sendInvite(call: OutgoingCall, request: SipRequest): SipRequest | undefined;
  /** CANCEL in its own non-INVITE client transaction (§9.1). */
  sendCancel(call: OutgoingCall, request: SipRequest): void;
  /** ACK or BYE inside the dialog, outside of the INVITE transaction. */
  sendInDialog(call: OutgoingCall, request: SipRequest): void;
  /** The dialog a 2xx confirms: a new one, or for a re-INVITE the existing one, refreshed (§12.2). */
  openDialog(call: OutgoingCall, ref: Dialog, response: SipResponse): SipDialog;
}

export class OutgoingCall extends Emitter<ClientInviteEvents> implements ClientInvite {
  private state: UacInviteState | undefined;
  private dialogValue: SipDialog | undefined;

  constructor(
    readonly peer: Source,
    private readonly host: OutgoingCallHost,
    private readonly options: UacInviteOptions,
    /** Set for a re-INVITE: the dialog it is sent in. */
    readonly existingDialog?: SipDialog,
  ) {
    super();
  }

  /** Sends the first INVITE; false when no transaction could be created. */
  start(invite: SipRequest): boolean {
    const sent = this.host.sendInvite(this, invite);
    if (sent === undefined) return false;
    this.state = startUacInvite(sent, this.options);
    return true;
  }

  get phase(): UacInviteState["phase"] | "idle" {
    return this.state?.phase ?? "idle";
  }

  get dialog(): SipDialog | undefined {
    return this.dialogValue;
  }

  /** The INVITE as last sent (with our Via). */
  get invite(): SipRequest | undefined {
    return this.state?.invite;
  }

  /** CANCEL now, or as soon as a provisional arrives (§9.1). */
  cancel(): void {
    this.step({ kind: "cancel" });
  }

  /** Stack input: a response of our INVITE's transaction (or a 2xx retransmission). */
  response(response: SipResponse): void {
    this.step({ kind: "response", response });
  }

  /** Stack input: Timer B or a transport error. */
  timeout(): void {
    this.step({ kind: "timeout" });
  }

  private step(input: UacInviteInput): void {
    if (this.state === undefined) return;
    const s = uacInviteStep(this.state, input);
    this.state = s.state;
    this.perform(s.actions);
  }

  private perform(actions: UacInviteAction[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case "send-invite": {
          const sent = this.host.sendInvite(this, a.request);
          if (sent === undefined) this.timeout();
          else this.step({ kind: "sent", request: sent });
          break;
        }
        case "send-cancel":
          this.host.sendCancel(this, a.request);
          break;
        case "send-ack":
        case "send-bye":
          this.host.sendInDialog(this, a.request);
          break;
        case "provisional":
          this.emit("provisional", a.response);
          break;
        case "answered": {
          this.dialogValue = this.host.openDialog(this, a.dialog, a.response);
          this.emit("answered", { response: a.response, dialog: this.dialogValue });
          break;
        }
        case "failed":
          this.emit("failed", {
            status: a.status,
            reason: a.reason,
            ...(a.response ? { response: a.response } : {}),
          });
          break;
        case "cancelled":
          this.emit("cancelled", undefined);
          break;
      }
    }
  }
}
