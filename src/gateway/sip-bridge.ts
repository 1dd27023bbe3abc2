/**
 * Adapters between the running SIP stack (`sip/ua` SipService) and the call layer's ports
 * (`call/ports.ts`): incoming INVITEs become `InboundInvite`s, our INVITEs go out through a
 * `Dialer`, and in-dialog requests (BYE, re-INVITE, DTMF INFO, `refer` NOTIFY) reach the call
 * that owns the dialog; the call's re-INVITEs, INFOs and REFERs go out on its dialog. Only
 * facts cross: addresses, users, Authorization, SDP text, digits, transfer progress
 * (DESIGN.md "Layers").
 */
import type { CallManager } from "../call/call-manager.ts";
import { ALLOW, uriHost } from "../call/index.ts";
import type {
  CallDialog,
  Dialer,
  DialogHandlers,
  DialogOutcome,
  InboundInvite,
  InviteInputs,
  OutboundHandlers,
  OutboundInvite,
  OutboundInviteRequest,
  TransferProgress,
} from "../call/ports.ts";
import {
  buildDtmfRelayBody,
  DTMF_RELAY_CONTENT_TYPE,
  parseDtmfInfo,
  validateDtmfDigits,
} from "../dtmf/index.ts";
import { fromUtf8, utf8 } from "../lib/bytes.ts";
import type { Logger } from "../lib/logger.ts";
import type { DigestCredentials } from "../sip/auth/index.ts";
import type { Header } from "../sip/message/index.ts";
import {
  getHeader,
  getNameAddr,
  getTag,
  referProgress,
  type SipMessage,
  type SipRequest,
  serializeUri,
} from "../sip/message/index.ts";
import { buildRequest } from "../sip/ua/invite-request.ts";
import type {
  IncomingRequest,
  RequestOutcome,
  ServerInvite,
  SipDialogHandle,
  SipService,
  TransportProtocol,
} from "../sip/ua/sip-service.ts";

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
}

/** The SDP body of a message, when it carries one (RFC 3261 §13.2.1 offers in INVITE/ACK). */
function sdpOf(msg: SipMessage): string | undefined {
  if (msg.body.length === 0) return undefined;
  const type = (getHeader(msg, "Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/sdp" ? fromUtf8(msg.body) : undefined;
}

/** User part of From/To, or the whole URI when it has none (rest-api.md §2 `from`/`to`). */
function userOf(msg: SipMessage, header: "From" | "To"): string {
  const na = getNameAddr(msg, header);
  if (na === undefined) return "";
  return na.uri.user ?? serializeUri(na.uri);
}

function outcomeOf(o: RequestOutcome): DialogOutcome {
  return o.ok ? { status: o.response.status } : undefined;
}

/** Our re-INVITE's final response (sip.md §7); no response at all (Timer B) → undefined. */
function reinvite(d: SipDialogHandle, sdp: string): Promise<DialogOutcome> {
  const call = d.reinvite({ body: utf8(sdp), ...SDP });
  // RFC 3261 §14.1: the stack refuses a second pending re-INVITE; the call layer never sends one.
  if (call === undefined) return Promise.resolve({ status: 491 });
  return new Promise((resolve) => {
    call.on("answered", ({ response }) => {
      const answer = sdpOf(response);
      resolve(answer === undefined ? { status: response.status } : { status: response.status, sdp: answer });
    });
    call.on("failed", ({ status, response }) => resolve(response === undefined ? undefined : { status }));
    call.on("cancelled", () => resolve({ status: 487 }));
  });
}

function callDialog(d: SipDialogHandle, routes: DialogRoutes): CallDialog {
  return {
    bye: () => {
      routes.remove(d);
      void d.bye();
    },
    remote: { address: d.peer.remote.address, port: d.peer.remote.port },
    reinvite: (sdp) => reinvite(d, sdp),
    sendDtmfInfo: async (digit) => {
      const valid = validateDtmfDigits(digit);
      const one = valid.ok && valid.value.length === 1 ? valid.value[0] : undefined;
      // The API validated the digits; anything else here is a caller bug, refused locally.
      if (one === undefined) return { status: 400 };
      const body = utf8(buildDtmfRelayBody(one));
      return outcomeOf(await d.request("INFO", { body, contentType: DTMF_RELAY_CONTENT_TYPE }));
    },
    // RFC 3892 §3: Referred-By names us, as the From of our in-dialog requests does.
    refer: async (referTo) =>
      outcomeOf(
        await d.request("REFER", {
          headers: [
            { name: "Refer-To", value: `<${referTo}>` },
            { name: "Referred-By", value: nameAddrUri(d.facts.local) },
          ],
        }),
      ),
  };
}

/** `<uri>` of a From/To value, dropping the display name and tag (RFC 3892 §3 referrer-uri). */
function nameAddrUri(value: string): string {
  const lt = value.indexOf("<");
  const gt = value.indexOf(">", lt + 1);
  if (lt >= 0 && gt > lt) return value.slice(lt, gt + 1);
  return `<${value.split(";")[0]!.trim()}>`;
}

/** What a NOTIFY of the `refer` package means for our transfer (sip.md §8 step 3). */
function transferProgress(request: SipRequest): TransferProgress {
  const p = referProgress(
    request.body.length > 0 ? request.body : undefined,
    getHeader(request, "Subscription-State"),
  );
  if (p.kind === "pending") return { kind: "pending" };
  if (p.kind === "succeeded") return { kind: "succeeded", code: p.code };
  return p.code === undefined ? { kind: "failed" } : { kind: "failed", code: p.code };
}

/**
 * In-dialog requests of a live call: INFO, NOTIFY and OPTIONS get `200 OK` (sip.md §3, §8 step
 * 3, §9), DTMF INFO bodies and `refer` NOTIFYs are handed to the call; anything else (a REFER,
 * UPDATE or MESSAGE from the peer) gets `405` with our `Allow` (sip.md §3, RFC 3261 §8.2.1).
 */
function answerInDialog(r: IncomingRequest, handlers: DialogHandlers): void {
  const method = r.request.method;
  if (method !== "INFO" && method !== "NOTIFY" && method !== "OPTIONS") {
    r.respond(405, undefined, { headers: [{ name: "Allow", value: ALLOW }] });
    return;
  }
  r.respond(200);
  if (method === "INFO") {
    const info = parseDtmfInfo(getHeader(r.request, "Content-Type") ?? "", fromUtf8(r.request.body));
    if (info.ok && info.value !== null) handlers.dtmf?.(info.value.digit);
  } else if (method === "NOTIFY") {
    const event = (getHeader(r.request, "Event") ?? "").split(";")[0]!.trim().toLowerCase();
    if (event === "refer") handlers.referNotify?.(transferProgress(r.request));
  }
}

const SDP = { contentType: "application/sdp" } as const;

/**
 * What differs between an INVITE to a trunk-host peer (UDP, the stack's Contact, no auth, no
 * redirects: sip.md §4) and one through a registered trunk (its transport and registered
 * Contact, `P-Asserted-Identity`, one 401/407 retry, 3xx followed: sip.md §2).
 */
export interface InviteExtras {
  readonly protocol: TransportProtocol;
  readonly contact: string;
  readonly headers?: Header[];
  readonly credentials?: DigestCredentials;
  readonly followRedirects?: boolean;
}

/** Sends one INVITE on `stack` and feeds its progress to the call layer's handlers. */
export function placeInvite(
  stack: SipService,
  routes: DialogRoutes,
  logger: Logger,
  req: OutboundInviteRequest,
  handlers: OutboundHandlers,
  dialogHandlers: DialogHandlers,
  extras: InviteExtras,
): OutboundInvite | undefined {
  const request = buildRequest({
    method: "INVITE",
    uri: req.requestUri,
    from: `<${req.fromUri}>`,
    fromTag: stack.newTag(),
    to: `<${req.toUri}>`,
    callId: stack.newCallId(),
    contact: extras.contact,
    ...(extras.headers !== undefined ? { headers: extras.headers } : {}),
    body: utf8(req.sdp),
    ...SDP,
  });
  const call = stack.invite({
    target: { protocol: extras.protocol, address: req.target.address, port: req.target.port },
    request,
    ...(extras.credentials !== undefined ? { credentials: extras.credentials } : {}),
    ...(extras.followRedirects !== undefined ? { followRedirects: extras.followRedirects } : {}),
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
    target: `${uriHost(req.target.address)}:${req.target.port}`,
  });
  return { cancel: () => call.cancel() };
}

/** Sends INVITEs to trunk-host peers over UDP (sip.md §4 "Dialing a peer"). */
export function createDialer(stack: SipService, routes: DialogRoutes, logger: Logger): Dialer {
  return {
    invite: (req, handlers, dialogHandlers) =>
      placeInvite(stack, routes, logger, req, handlers, dialogHandlers, {
        protocol: "UDP",
        contact: stack.contactUri("UDP"),
      }),
  };
}

function answerReInvite(inv: ServerInvite, routes: DialogRoutes): void {
  const handlers = inv.existingDialog ? routes.get(inv.existingDialog) : undefined;
  // RFC 3261 §12.2.2: a request naming a dialog we do not (or no longer) know → 481.
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

/** Hands a new out-of-dialog INVITE to the call layer: the trunk host's by default. */
export type ReceiveInvite = (invite: InboundInvite, request: ServerInvite["request"]) => InviteInputs;

/**
 * Routes everything the stack receives to the call manager (sip.md §3, §5–§7). The trunk
 * client's stack passes `receive` so that INVITEs to our registered Contact go to its trunks.
 */
export function attachCallHandlers(
  stack: SipService,
  manager: CallManager,
  routes: DialogRoutes,
  receive: ReceiveInvite = (invite) => manager.handleInvite(invite),
): void {
  stack.setHandlers({
    invite: (inv) => {
      if (inv.existingDialog !== undefined) {
        answerReInvite(inv, routes);
        return;
      }
      const inputs = receive(inboundInvite(inv, routes), inv.request);
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
        // In-dialog requests of a live call (sip.md §3, §8, §9); unknown dialog → 481 (RFC 3261 §12.2.2).
        const handlers = routes.get(r.dialog);
        if (handlers === undefined) r.respond(481);
        else answerInDialog(r, handlers);
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
