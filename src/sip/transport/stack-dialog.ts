/**
 * A dialog as the running stack exposes it to the call layer (RFC 3261 §12.2): sends BYE,
 * REFER, NOTIFY, INFO, OPTIONS inside the dialog with the next local CSeq, to the dialog's peer.
 * The dialog record and its rules are the pure `sip/dialog` layer's; this class adds the
 * destination and keeps the current record.
 */
import type { Random } from "../../lib/random.ts";
import {
  acceptRemoteCSeq,
  createInDialogRequest,
  type Dialog,
  keyOfDialog,
  refreshRemoteTarget,
} from "../dialog/index.ts";
import type { SipMessage, SipRequest } from "../message/index.ts";
import type { ClientInvite, RequestOptions, RequestOutcome, SipDialogHandle } from "../ua/sip-service.ts";
import type { Source } from "./sip-io.ts";

/** What a dialog needs from the stack. */
export interface DialogHost {
  readonly random: Random;
  /** Our Contact (name-addr) for target refresh requests (§12.2.1.1). */
  contact(peer: Source): string;
  sendNonInvite(request: SipRequest, peer: Source): Promise<RequestOutcome>;
  /** Sends an in-dialog INVITE through the UAC machinery, bound to `dialog`. */
  reinvite(dialog: SipDialog, request: SipRequest): ClientInvite | undefined;
  forgetDialog(dialog: SipDialog): void;
}

export class SipDialog implements SipDialogHandle {
  private ended = false;
  /** Our re-INVITE awaiting its final response (RFC 3261 §14.2: a crossing re-INVITE gets 491). */
  private pending: ClientInvite | undefined;

  constructor(
    private record: Dialog,
    /** Where in-dialog requests go: the peer's address (and connection) of the call. */
    readonly peer: Source,
    private readonly host: DialogHost,
  ) {}

  /** The dialog id as a map key (§12: Call-ID, local tag, remote tag). */
  get id(): string {
    return keyOfDialog(this.record);
  }

  get facts(): Readonly<Dialog> {
    return this.record;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** §12.2.2: records the CSeq of a request from the peer; false when it went backwards (→ 500). */
  acceptRemote(request: SipRequest): boolean {
    const r = acceptRemoteCSeq(this.record, request);
    if (!r.ok) return false;
    this.record = r.value;
    return true;
  }

  request(method: string, options: RequestOptions = {}): Promise<RequestOutcome> {
    return this.host.sendNonInvite(this.nextRequest(method, options), this.peer);
  }

  /** BYE (§15.1.1); the dialog is forgotten at once (sip.md §6: the call ends without waiting). */
  bye(options: RequestOptions = {}): Promise<RequestOutcome> {
    const outcome = this.request("BYE", options);
    this.end();
    return outcome;
  }

  nextRequest(method: string, options: RequestOptions = {}): SipRequest {
    const { request, dialog } = createInDialogRequest(this.record, method, {
      random: this.host.random,
      contact: this.host.contact(this.peer),
      ...options,
    });
    this.record = dialog;
    return request;
  }

  /** True while our re-INVITE waits for its final response. */
  get reinvitePending(): boolean {
    return this.pending !== undefined;
  }

  reinvite(options: RequestOptions = {}): ClientInvite | undefined {
    // §14.1: no new re-INVITE while one of ours is still pending.
    if (this.ended || this.pending !== undefined) return undefined;
    const call = this.host.reinvite(this, this.nextRequest("INVITE", options));
    if (call === undefined) return undefined;
    this.pending = call;
    const settle = () => {
      if (this.pending === call) this.pending = undefined;
    };
    call.on("answered", settle);
    call.on("failed", settle);
    call.on("cancelled", settle);
    return call;
  }

  /** §12.2: a target refresh request from the peer, or the 2xx to ours, replaces the remote target. */
  refreshTarget(message: SipMessage): void {
    this.record = refreshRemoteTarget(this.record, message);
  }

  /** Marks the dialog over (BYE sent or received); later requests for it get 481. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.host.forgetDialog(this);
  }
}
