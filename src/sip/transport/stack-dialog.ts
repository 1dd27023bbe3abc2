/**
 * A confirmed dialog as the running stack exposes it to the call layer (RFC 3261 §12.2): sends
 * BYE, re-INVITE, REFER, NOTIFY, INFO, OPTIONS inside the dialog with the next local CSeq, to
 * the dialog's peer. The facts (tags, route set, CSeq) come from the pure `DialogRef` of
 * `sip/ua`; this class adds the destination and the mutable CSeq counter.
 */
import type { SipRequest } from "../message/index.ts";
import { type DialogRef, inDialogRequest } from "../ua/dialog-ref.ts";
import type { RequestOptions, RequestOutcome, SipDialogHandle } from "../ua/sip-service.ts";
import type { Source } from "./sip-io.ts";

/** What a dialog needs from the stack. */
export interface DialogHost {
  sendNonInvite(request: SipRequest, peer: Source): Promise<RequestOutcome>;
  forgetDialog(dialog: SipDialog): void;
}

export class SipDialog implements SipDialogHandle {
  private ended = false;

  constructor(
    private ref: DialogRef,
    /** Where in-dialog requests go: the peer's address (and connection) of the call. */
    readonly peer: Source,
    private readonly host: DialogHost,
  ) {}

  /** Call-ID + local tag + remote tag (§12: the dialog ID). */
  get id(): string {
    return dialogId(this.ref.callId, this.ref.localTag, this.ref.remoteTag);
  }

  get facts(): Readonly<DialogRef> {
    return this.ref;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Checks and records the CSeq of a request from the peer (§12.2.2: lower than the last → 500). */
  acceptRemoteSeq(seq: number): boolean {
    if (seq < this.ref.remoteSeq) return false;
    this.ref = { ...this.ref, remoteSeq: seq };
    return true;
  }

  /** Sends a non-INVITE request in the dialog and resolves with its final response. */
  request(method: string, options: RequestOptions = {}): Promise<RequestOutcome> {
    const { request, dialog } = inDialogRequest(this.ref, method, options);
    this.ref = dialog;
    return this.host.sendNonInvite(request, this.peer);
  }

  /** BYE (§15.1.1); the dialog is forgotten at once (sip.md §6: the call ends without waiting). */
  bye(options: RequestOptions = {}): Promise<RequestOutcome> {
    const outcome = this.request("BYE", options);
    this.end();
    return outcome;
  }

  /** Builds the next in-dialog request without sending it (re-INVITE goes through the stack's UAC). */
  nextRequest(method: string, options: RequestOptions = {}) {
    const { request, dialog } = inDialogRequest(this.ref, method, options);
    this.ref = dialog;
    return request;
  }

  /** Marks the dialog over (BYE sent or received); later requests for it get 481. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.host.forgetDialog(this);
  }
}

export function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}
