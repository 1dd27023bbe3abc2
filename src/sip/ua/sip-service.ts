/**
 * The SIP service the call layer uses (DESIGN.md: a lower layer owns the interface it offers).
 * `sip/transport`'s SipStack implements it on real sockets and timers; call-layer tests pass
 * fakes. Types only.
 */
import type { DigestCredentials } from "../auth/index.ts";
import type { Dialog } from "../dialog/index.ts";
import type { Header, SipRequest, SipResponse } from "../message/index.ts";

export type TransportProtocol = "UDP" | "TCP" | "TLS";

/** An IP endpoint. `address` is a bare IP literal (IPv6 without brackets). */
export interface Endpoint {
  address: string;
  port: number;
}

/** Where a message came from or goes to: transport, address, and the stream connection if any. */
export interface SipPeer {
  protocol: TransportProtocol;
  remote: Endpoint;
  connection?: number;
}

/** A destination for a new request. */
export interface SipTarget {
  protocol: TransportProtocol;
  address: string;
  port: number;
}

/** A final response, or why there is none (Timer B/F, transport failure, stack closed). */
export type RequestOutcome =
  | { ok: true; response: SipResponse }
  | { ok: false; reason: "timeout" | "transport-error" | "closed" };

export interface RequestOptions {
  headers?: Header[];
  body?: Uint8Array;
  contentType?: string;
}

type Unsubscribe = () => void;

/** A confirmed dialog (RFC 3261 §12). */
export interface SipDialogHandle {
  readonly id: string;
  readonly facts: Readonly<Dialog>;
  readonly peer: SipPeer;
  readonly isEnded: boolean;
  /** A non-INVITE request in the dialog (INFO, REFER, NOTIFY, OPTIONS…) → its final response. */
  request(method: string, options?: RequestOptions): Promise<RequestOutcome>;
  /** BYE; the dialog is forgotten at once (sip.md §6). */
  bye(options?: RequestOptions): Promise<RequestOutcome>;
  /** The next in-dialog request, built but not sent. */
  nextRequest(method: string, options?: RequestOptions): SipRequest;
  /** A re-INVITE (hold, resume, session refresh; sip.md §7); its 2xx refreshes this dialog's target. */
  reinvite(options?: RequestOptions): ClientInvite | undefined;
  end(): void;
}

export interface ServerInviteEvents extends Record<string, unknown> {
  cancelled: undefined;
  confirmed: SipRequest;
  "ack-timeout": undefined;
}

/** A received INVITE or re-INVITE (sip.md §5-§7). 100 Trying is already sent. */
export interface ServerInvite {
  readonly request: SipRequest;
  readonly source: SipPeer;
  readonly toTag: string;
  readonly existingDialog?: SipDialogHandle;
  readonly dialog: SipDialogHandle | undefined;
  readonly phase: "proceeding" | "accepted" | "confirmed" | "rejected" | "cancelled" | "terminated";
  ring(status?: number, options?: RequestOptions): void;
  /** 200 OK, retransmitted until ACK; returns the dialog it creates. */
  accept(options?: RequestOptions): SipDialogHandle | undefined;
  reject(status: number, reason?: string, headers?: Header[]): void;
  on<K extends keyof ServerInviteEvents>(event: K, fn: (payload: ServerInviteEvents[K]) => void): Unsubscribe;
}

export interface ClientInviteEvents extends Record<string, unknown> {
  provisional: SipResponse;
  answered: { response: SipResponse; dialog: SipDialogHandle };
  failed: { status: number; reason: string; response?: SipResponse };
  cancelled: undefined;
}

/** An INVITE we sent. */
export interface ClientInvite {
  readonly phase: "idle" | "calling" | "proceeding" | "established" | "failed" | "cancelled" | "terminated";
  readonly dialog: SipDialogHandle | undefined;
  /** CANCEL now, or once a provisional arrives (§9.1). */
  cancel(): void;
  on<K extends keyof ClientInviteEvents>(event: K, fn: (payload: ClientInviteEvents[K]) => void): Unsubscribe;
}

/** A request the service does not answer itself. */
export interface IncomingRequest {
  readonly request: SipRequest;
  readonly source: SipPeer;
  readonly dialog?: SipDialogHandle;
  respond(status: number, reason?: string, options?: RequestOptions): void;
}

export interface SipServiceHandlers {
  /** Out-of-dialog INVITE, or a re-INVITE (`call.existingDialog` set). */
  invite?(call: ServerInvite): void;
  /** The peer ended the dialog; we already answered 200 (sip.md §6). */
  bye?(dialog: SipDialogHandle, request: SipRequest): void;
  /** Any other request; the handler must call `respond`. */
  request?(request: IncomingRequest): void;
}

export interface InviteOptions {
  target: SipTarget;
  /** Built with `buildRequest` (or `dialog.nextRequest("INVITE")`); the service adds the Via. */
  request: SipRequest;
  credentials?: DigestCredentials;
  followRedirects?: boolean;
  /** A stream connection to reuse (re-INVITE inside a TCP/TLS dialog). */
  connection?: number;
}

export interface SipService {
  setHandlers(handlers: SipServiceHandlers): void;
  invite(options: InviteOptions): ClientInvite | undefined;
  /** An out-of-dialog non-INVITE request, answered once with credentials on 401/407. */
  request(target: SipTarget, request: SipRequest, credentials?: DigestCredentials): Promise<RequestOutcome>;
  /** The bound address of a transport (for Contact/Via/SDP). */
  local(protocol: TransportProtocol): Endpoint | undefined;
  /** `sip:[user@]<bound address>:<port>;transport=<t>` for Contact headers. */
  contactUri(protocol: TransportProtocol, user?: string): string;
  newTag(): string;
  newCallId(): string;
  /** Shutdown step 1: new out-of-dialog requests get 503 (sip.md §3); dialogs keep working. */
  beginShutdown(): void;
}
