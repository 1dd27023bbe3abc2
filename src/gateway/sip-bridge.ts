/**
 * Adapters between the running SIP stack (`sip/ua` SipService) and the call layer's ports
 * (`call/ports.ts`): incoming INVITEs become `InboundInvite`s, our INVITEs go out through a
 * `Dialer`, and in-dialog requests (BYE, re-INVITE) reach the call that owns the dialog.
 * Only facts cross: addresses, users, Authorization, SDP text (DESIGN.md "Layers").
 */
import type { CallManager } from "../call/call-manager.ts";
import type { CallDialog, Dialer, DialogHandlers, InboundInvite } from "../call/ports.ts";
import { fromUtf8, utf8 } from "../lib/bytes.ts";
import type { Logger } from "../lib/logger.ts";
import { getHeader, getNameAddr, getTag, type SipMessage, serializeUri } from "../sip/message/index.ts";
import { buildRequest } from "../sip/ua/invite-request.ts";
import type { ServerInvite, SipDialogHandle, SipService } from "../sip/ua/sip-service.ts";

/** Which call owns which dialog. */
export class DialogRoutes {
  private readonly byId = new Map<string, DialogHandlers>();
  add(d: SipDialogHandle, h: DialogHandlers): void {
    this.byId.set(d.id, h);
  }
  get(d: SipDialogHandle): DialogHandlers | undefined {
    return this.byId.get(d.id);
  }
  remove(d: SipDialogHandle): void {
    this.byId.delete(d.id);
  }
  get size(): number {
    return this.byId.size;
  }
}

/** The SDP body of a message, when it carries one (RFC 3261 §13.2.1 offers in INVITE/ACK). */
export function sdpOf(msg: SipMessage): string | undefined {
  if (msg.body.length === 0) return undefined;
  const type = (getHeader(msg, "Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/sdp" ? fromUtf8(msg.body) : undefined;
}

/** User part of From/To, or the whole URI when it has none (rest-api.md §2 `from`/`to`). */
export function userOf(msg: SipMessage, header: "From" | "To"): string {
  const na = getNameAddr(msg, header);
  if (na === undefined) return "";
  return na.uri.user ?? serializeUri(na.uri);
}

function callDialog(d: SipDialogHandle, routes: DialogRoutes): CallDialog {
  return {
    bye: () => {
      routes.remove(d);
      void d.bye();
    },
  };
}

const SDP = { contentType: "application/sdp" } as const;

/** Sends INVITEs to trunk-host peers over UDP (sip.md §4 "Dialing a peer"). */
export function createDialer(stack: SipService, routes: DialogRoutes, logger: Logger): Dialer {
  return {
    invite(req, handlers, dialogHandlers) {
      const request = buildRequest({
        method: "INVITE",
        uri: req.requestUri,
        from: `<${req.fromUri}>`,
        fromTag: stack.newTag(),
        to: `<${req.toUri}>`,
        callId: stack.newCallId(),
        contact: stack.contactUri("UDP"),
        body: utf8(req.sdp),
        ...SDP,
      });
      const call = stack.invite({
        target: { protocol: "UDP", address: req.target.address, port: req.target.port },
        request,
      });
      if (call === undefined) return undefined;
      call.on("provisional", (r) => handlers.provisional(r.status));
      call.on("answered", ({ response, dialog }) => {
        routes.add(dialog, dialogHandlers);
        handlers.answered(sdpOf(response), callDialog(dialog, routes));
      });
      // A failure without a final response (Timer B, transport error) has no SIP status.
      call.on("failed", ({ status }) => handlers.failed(status >= 300 ? status : undefined));
      call.on("cancelled", () => handlers.failed(487));
      logger.debug("invite sent", {
        call_id: req.callId,
        target: `${req.target.address}:${req.target.port}`,
      });
      return { cancel: () => call.cancel() };
    },
  };
}

function answerReInvite(inv: ServerInvite, routes: DialogRoutes): void {
  const handlers = inv.existingDialog ? routes.get(inv.existingDialog) : undefined;
  if (handlers === undefined) {
    inv.reject(481);
    return;
  }
  const answer = handlers.reInvite(sdpOf(inv.request));
  if (answer.status === 200) inv.accept({ body: utf8(answer.sdp), ...SDP });
  else inv.reject(answer.status, answer.reason);
}

function inboundInvite(inv: ServerInvite, routes: DialogRoutes): InboundInvite {
  const authorization = getHeader(inv.request, "Authorization");
  const sdp = sdpOf(inv.request);
  return {
    source: { address: inv.source.remote.address, port: inv.source.remote.port },
    fromUser: userOf(inv.request, "From"),
    toUser: userOf(inv.request, "To"),
    ...(authorization !== undefined ? { authorization } : {}),
    ...(sdp !== undefined ? { sdp } : {}),
    ring: () => inv.ring(180),
    reject: (status, wwwAuthenticate) =>
      inv.reject(
        status,
        undefined,
        wwwAuthenticate ? [{ name: "WWW-Authenticate", value: wwwAuthenticate }] : undefined,
      ),
    accept: (answerSdp, handlers) => {
      const dialog = inv.accept({ body: utf8(answerSdp), ...SDP });
      if (dialog === undefined) return undefined;
      routes.add(dialog, handlers);
      return callDialog(dialog, routes);
    },
  };
}

/** Routes everything the stack receives to the call manager (sip.md §3, §5–§7). */
export function attachCallHandlers(stack: SipService, manager: CallManager, routes: DialogRoutes): void {
  stack.setHandlers({
    invite: (inv) => {
      if (inv.existingDialog !== undefined) {
        answerReInvite(inv, routes);
        return;
      }
      const inputs = manager.handleInvite(inboundInvite(inv, routes));
      inv.on("cancelled", () => inputs.cancelled());
      inv.on("confirmed", (ack) => inputs.acked(sdpOf(ack)));
      inv.on("ack-timeout", () => inputs.ackTimeout());
    },
    bye: (dialog) => {
      const handlers = routes.get(dialog);
      routes.remove(dialog);
      handlers?.bye();
    },
    request: (r) => {
      if (r.dialog !== undefined) {
        // In-dialog INFO/NOTIFY/OPTIONS of a live call: 200 OK (sip.md §3, §9); unknown → 481.
        r.respond(routes.get(r.dialog) ? 200 : 481);
        return;
      }
      const answer = manager.answerStray(r.request.method, getTag(r.request, "to") !== undefined);
      if (answer === undefined) return;
      r.respond(
        answer.status,
        undefined,
        answer.allow ? { headers: [{ name: "Allow", value: answer.allow }] } : undefined,
      );
    },
  });
}
