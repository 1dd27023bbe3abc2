/**
 * How the running stack answers requests that open or reach server transactions (RFC 3261
 * §8.2, §9.2, §12.2.2; sip.md §3, §6): CANCEL → 200 + 487 on the INVITE, or 481; in-dialog
 * requests matched by Call-ID and tags (481 when unknown, 500 when the CSeq goes backwards);
 * BYE → 200; OPTIONS → 200 with Allow; other methods to the handler, else 405 with Allow;
 * 503 while stopping. ACKs for our 2xx go to the INVITE they confirm.
 */

import { dialogKeyOfRequest } from "../dialog/index.ts";
import {
  createResponse,
  getCSeq,
  getHeader,
  getTag,
  type Header,
  type SipRequest,
} from "../message/index.ts";
import type { Transaction, TransactionLayer } from "../transaction/index.ts";
import type { IncomingRequest, SipServiceHandlers } from "../ua/sip-service.ts";
import type { Source } from "./sip-io.ts";
import type { SipDialog } from "./stack-dialog.ts";
import { IncomingCall, type IncomingCallHost } from "./stack-incoming-call.ts";

export interface InboundContext {
  readonly layer: TransactionLayer<Source>;
  readonly allow: string;
  readonly dialogs: Map<string, SipDialog>;
  readonly incomingByTx: Map<string, IncomingCall>;
  readonly awaitingAck: Set<IncomingCall>;
  readonly incomingHost: IncomingCallHost;
  handlers(): SipServiceHandlers;
  stopping(): boolean;
  newTag(): string;
}

export class InboundRequests {
  constructor(private readonly ctx: InboundContext) {}

  onRequest(request: SipRequest, tx: Transaction<Source>): void {
    const allow = [{ name: "Allow", value: this.ctx.allow }];
    if (request.method === "CANCEL") {
      // §9.2: CANCEL matching a pending INVITE → 200 here, 487 on the INVITE; else 481.
      const call = tx.cancels !== undefined ? this.ctx.incomingByTx.get(tx.cancels.id) : undefined;
      // §9.2: the CANCEL's response SHOULD carry the To tag of the INVITE's responses.
      this.answer(tx, call === undefined ? 481 : 200, undefined, [], call?.toTag);
      call?.cancel();
      return;
    }
    const toTag = getTag(request, "to");
    const handlers = this.ctx.handlers();
    if (toTag !== undefined) this.onInDialog(request, tx, toTag);
    else if (this.ctx.stopping()) this.answer(tx, 503);
    else if (request.method === "INVITE") {
      const call = new IncomingCall(tx.id, request, tx.dest, this.ctx.newTag(), this.ctx.incomingHost);
      this.ctx.incomingByTx.set(tx.id, call);
      if (handlers.invite === undefined) call.reject(480);
      else handlers.invite(call);
    } else if (request.method === "OPTIONS") this.answer(tx, 200, undefined, allow);
    else if (handlers.request === undefined) this.answer(tx, 405, undefined, allow);
    else handlers.request(this.incoming(request, tx));
  }

  /** An ACK for a 2xx (§13.3.1.4): the INVITE with the same Call-ID, To tag and CSeq number. */
  onAck(ack: SipRequest): void {
    const callId = getHeader(ack, "call-id");
    const toTag = getTag(ack, "to");
    const seq = getCSeq(ack)?.seq;
    for (const call of this.ctx.awaitingAck) {
      if (
        call.toTag === toTag &&
        getHeader(call.request, "call-id") === callId &&
        getCSeq(call.request)?.seq === seq
      ) {
        call.ack(ack);
        return;
      }
    }
  }

  private onInDialog(request: SipRequest, tx: Transaction<Source>, toTag: string): void {
    const key = dialogKeyOfRequest(request);
    const dialog = key === undefined ? undefined : this.ctx.dialogs.get(key);
    const handlers = this.ctx.handlers();
    // sip.md §3: any in-dialog request matching no dialog gets 481.
    if (dialog === undefined) this.answer(tx, 481);
    // §12.2.2: a CSeq lower than the last one seen is out of order → 500.
    else if (!dialog.acceptRemote(request)) this.answer(tx, 500, "CSeq Out of Order");
    // §14.2 / sip.md §7: a re-INVITE crossing our own pending one gets 491 Request Pending.
    else if (request.method === "INVITE" && dialog.reinvitePending) this.answer(tx, 491);
    else if (request.method === "INVITE") {
      const call = new IncomingCall(tx.id, request, tx.dest, toTag, this.ctx.incomingHost, dialog);
      this.ctx.incomingByTx.set(tx.id, call);
      if (handlers.invite === undefined) call.reject(488);
      else handlers.invite(call);
    } else if (request.method === "BYE") {
      this.answer(tx, 200);
      dialog.end();
      handlers.bye?.(dialog, request);
    } else if (handlers.request !== undefined) handlers.request(this.incoming(request, tx, dialog));
    else {
      // sip.md §3: in-dialog OPTIONS/INFO/NOTIFY are answered 200 even with nobody listening.
      const known = request.method === "OPTIONS" || request.method === "INFO" || request.method === "NOTIFY";
      this.answer(tx, known ? 200 : 405, undefined, [{ name: "Allow", value: this.ctx.allow }]);
    }
  }

  /** §8.2.6.2: every response but 100 carries a To tag; createResponse keeps one already there. */
  private answer(
    tx: Transaction<Source>,
    status: number,
    reason?: string,
    headers: Header[] = [],
    toTag: string = this.ctx.newTag(),
  ): void {
    this.ctx.layer.respond(tx, createResponse(tx.request, status, reason, { headers, toTag }));
  }

  private incoming(request: SipRequest, tx: Transaction<Source>, dialog?: SipDialog): IncomingRequest {
    const layer = this.ctx.layer;
    // §8.2.6.2: our tag for the To of the answer (the dialog's, or a fresh one outside a dialog).
    const toTag = dialog?.facts.localTag ?? this.ctx.newTag();
    return {
      request,
      source: tx.dest,
      ...(dialog !== undefined ? { dialog } : {}),
      respond(status, reason, options = {}) {
        layer.respond(tx, createResponse(request, status, reason, { ...options, toTag }));
      },
    };
  }
}
