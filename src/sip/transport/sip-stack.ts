/**
 * The running SIP stack (RFC 3261 §8, §12-§18; sip.md §3, §5, §6): transports + the §17
 * transaction layer + the UA helpers of `sip/ua`, on an injected Clock/Timers/Random. The call
 * layer consumes its handler API:
 *
 *   handlers.invite(call)        out-of-dialog INVITE or re-INVITE (call.existingDialog set)
 *   handlers.bye(dialog, req)    the peer hung up (we already answered 200)
 *   handlers.request(req)        any other request; answer with req.respond(status, …)
 *   stack.invite(…)              our INVITE → OutgoingCall (provisional/answered/failed/cancelled)
 *   stack.request(…)             an out-of-dialog non-INVITE (OPTIONS, MESSAGE…) → final response
 *   dialog.request/bye(…)        requests inside a confirmed dialog (SipDialog)
 *
 * Defaults without handlers: OPTIONS → 200 with Allow, other methods → 405 with Allow, requests
 * for unknown dialogs → 481, CANCEL matching nothing → 481, everything 503 once stopping.
 */
import type { Clock, Timers } from "../../lib/clock.ts";
import { uriHost } from "../../lib/ip.ts";
import { type Logger, nullLogger } from "../../lib/logger.ts";
import { type Random, randomHex } from "../../lib/random.ts";
import type { DigestCredentials } from "../auth/index.ts";
import { createUasDialog, type Dialog } from "../dialog/index.ts";
import { checkRequest, createResponse, type SipRequest, type SipResponse, topVia } from "../message/index.ts";
import { type TimerConfig, type Transaction, TransactionLayer } from "../transaction/index.ts";
import { authenticatedRetry } from "../ua/auth-retry.ts";
import type { InviteOptions, RequestOutcome, SipService, SipServiceHandlers } from "../ua/sip-service.ts";
import { SipIo, type Source, type Target } from "./sip-io.ts";
import { type DialogHost, SipDialog } from "./stack-dialog.ts";
import { InboundRequests } from "./stack-inbound.ts";
import type { IncomingCall, IncomingCallHost } from "./stack-incoming-call.ts";
import { OutgoingCall } from "./stack-outgoing-call.ts";
import { createStreamTransport } from "./stream-transport.ts";
import type { TransportProtocol } from "./types.ts";
import { createUdpTransport } from "./udp-transport.ts";

/** sip.md §3: the methods we answer. */
export const DEFAULT_ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY";

export interface ListenOptions {
  protocol: TransportProtocol;
  hostname: string;
  port: number;
  tls?: { cert: string; key: string };
  verifyPeer?: boolean;
}

export interface SipStackOptions {
  clock: Clock;
  timers: Timers;
  random: Random;
  logger?: Logger;
  listen: ListenOptions[];
  allow?: string;
  userAgent?: string;
  timerConfig?: Partial<TimerConfig>;
  /** Option tags a `Require` may name (§8.2.2.3); others get 420. Default: `timer` (RFC 4028). */
  supported?: readonly string[];
}

export class SipStack implements SipService {
  readonly io: SipIo;
  private readonly layer: TransactionLayer<Source>;
  private readonly logger: Logger;
  private readonly allow: string;
  private handlers: SipServiceHandlers = {};
  private stopping = false;
  // Bounds: the four maps keyed by transaction id hold at most one entry per live transaction
  // (the layer caps those at `maxTransactions`, answering 503 beyond) and are emptied in
  // `onTerminated`, which every transaction reaches (Timers B/D/F/H/J/K/L, RFC 3261 §17).
  private readonly outgoingByTx = new Map<string, OutgoingCall>();
  private readonly incomingByTx = new Map<string, IncomingCall>();
  private readonly nonInviteByTx = new Map<string, (outcome: RequestOutcome) => void>();
  private readonly serverTx = new Map<string, Transaction<Source>>();
  /**
   * Accepted INVITEs waiting for their ACK; they outlive the server transaction (RFC 6026 Timer
   * L) and leave on the ACK or after 64*T1 without one (§13.3.1.4).
   */
  private readonly awaitingAck = new Set<IncomingCall>();
  /**
   * Confirmed dialogs, one per call: left on BYE either way (`SipDialog.end`). The call layer
   * owns every call, ends each one with a BYE (also on ACK timeout, sip.md §5) and bounds how
   * many exist (RTP ports, pending-webhook cap), so this map is bounded through it.
   */
  private readonly dialogs = new Map<string, SipDialog>();
  private readonly incomingHost: IncomingCallHost;
  private readonly dialogHost: DialogHost;
  private readonly inbound: InboundRequests;

  constructor(private readonly options: SipStackOptions) {
    this.logger = options.logger ?? nullLogger;
    this.allow = options.allow ?? DEFAULT_ALLOW;
    this.io = new SipIo(options.random, this.logger);
    this.dialogHost = {
      random: options.random,
      contact: (peer) => `<${this.contactUri(peer.protocol)}>`,
      sendNonInvite: (request, peer) => this.sendNonInvite(request, peer),
      forgetDialog: (d) => {
        if (this.dialogs.get(d.id) === d) this.dialogs.delete(d.id);
      },
      reinvite: (dialog, request) => this.startInvite(dialog.peer, request, {}, dialog),
    };
    this.incomingHost = {
      timers: options.timers,
      respond: (call, response) => this.respondTx(call.txId, response),
      retransmit: (response, source) => void this.io.sendResponse(response, source),
      contactFor: (source) => this.contactUri(source.protocol),
      now: () => options.clock.now(),
      awaitAck: (call, waiting) => {
        if (waiting) this.awaitingAck.add(call);
        else this.awaitingAck.delete(call);
      },
      timerConfig: options.timerConfig ?? {},
      openDialog: (call, response) => {
        const created = createUasDialog(call.request, response);
        return created.ok ? this.openDialog(created.value, call.source) : undefined;
      },
    };
    this.layer = new TransactionLayer<Source>({
      clock: options.clock,
      timers: options.timers,
      // Our UAS machine sends 100 Trying itself, at once (sip.md §5).
      sendTrying: false,
      ...(options.timerConfig !== undefined ? { config: options.timerConfig } : {}),
      send: (message, dest, tx) => {
        const sent =
          message.kind === "request"
            ? this.io.sendRequest(
                message,
                { protocol: dest.protocol, ...dest.remote },
                undefined,
                dest.connection,
              )
            : this.io.sendResponse(message, dest);
        // Transports resolve false rather than reject (their send paths are guarded); the
        // catch keeps an unexpected rejection from becoming an unhandled one.
        sent.then(
          (ok) => {
            if (!ok) this.layer.transportError(tx);
          },
          () => this.layer.transportError(tx),
        );
      },
      tu: {
        onRequest: (request, tx) => {
          this.serverTx.set(tx.id, tx);
          this.inbound.onRequest(request, tx);
        },
        onAck: (ack) => this.inbound.onAck(ack),
        onResponse: (response, tx) => this.onResponse(response, tx),
        onTimeout: (tx) => this.onFailure(tx, "timeout"),
        onTransportError: (tx) => this.onFailure(tx, "transport-error"),
        onTerminated: (tx) => {
          this.outgoingByTx.delete(tx.id);
          const call = this.incomingByTx.get(tx.id);
          this.incomingByTx.delete(tx.id);
          // An accepted call keeps its 2xx schedule until ACK or give-up (§13.3.1.4).
          if (call !== undefined && call.phase !== "accepted") call.dispose();
          this.serverTx.delete(tx.id);
          this.nonInviteByTx.get(tx.id)?.({ ok: false, reason: "closed" });
          this.nonInviteByTx.delete(tx.id);
        },
      },
    });
    this.inbound = new InboundRequests({
      layer: this.layer,
      allow: this.allow,
      dialogs: this.dialogs,
      incomingByTx: this.incomingByTx,
      awaitingAck: this.awaitingAck,
      incomingHost: this.incomingHost,
      handlers: () => this.handlers,
      stopping: () => this.stopping,
      newTag: () => this.newTag(),
    });
    this.io.setHandlers({
      onRequest: (request, source) => {
        // §8.2.1-§8.2.2: a well-formed request we cannot process gets 400/416/420 statelessly.
        const problem = checkRequest(request, { supported: options.supported ?? ["timer"] });
        if (problem !== undefined) {
          if (request.method !== "ACK") {
            const response = createResponse(request, problem.status, problem.reason, {
              headers: problem.headers,
              toTag: this.newTag(),
            });
            void this.io.sendResponse(response, source);
          }
          return;
        }
        const r = this.layer.receiveRequest(request, source, this.reliable(source.protocol));
        if (r === "overloaded") {
          void this.io.sendResponse(
            createResponse(request, 503, undefined, { toTag: this.newTag() }),
            source,
          );
        }
      },
      onResponse: (response) => void this.layer.receiveResponse(response),
    });
  }

  /** Binds every configured transport. */
  async start(): Promise<void> {
    for (const l of this.options.listen) {
      const onMessage = this.io.receive.bind(this.io);
      const t =
        l.protocol === "UDP"
          ? await createUdpTransport({ hostname: l.hostname, port: l.port, onMessage, logger: this.logger })
          : await createStreamTransport({
              protocol: l.protocol,
              hostname: l.hostname,
              port: l.port,
              onMessage,
              logger: this.logger,
              ...(l.tls !== undefined ? { tls: l.tls } : {}),
              ...(l.verifyPeer !== undefined ? { verifyPeer: l.verifyPeer } : {}),
            });
      this.io.addTransport(t);
    }
  }

  setHandlers(handlers: SipServiceHandlers): void {
    this.handlers = handlers;
  }

  /** The bound address of a transport (port 0 resolved). */
  local(protocol: TransportProtocol): { address: string; port: number } | undefined {
    return this.io.transport(protocol)?.local;
  }

  /** Shutdown step 1 (sip.md §3): new out-of-dialog requests get 503; dialogs keep working. */
  beginShutdown(): void {
    this.stopping = true;
  }

  /**
   * Closes every transaction and transport. Trunks unregister before this (src/trunk, through
   * `request`), which is why REGISTER and BYE still go out while stopping.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const call of [...this.incomingByTx.values(), ...this.awaitingAck]) call.dispose();
    this.awaitingAck.clear();
    this.layer.close();
    for (const resolve of this.nonInviteByTx.values()) resolve({ ok: false, reason: "closed" });
    this.nonInviteByTx.clear();
    await this.io.close();
  }

  /** A fresh tag (§19.3: at least 32 bits of randomness). */
  newTag(): string {
    return randomHex(this.options.random, 8);
  }

  /** A fresh Call-ID (§8.1.1.4). */
  newCallId(): string {
    return randomHex(this.options.random, 16);
  }

  /** `sip:<bound address>:<port>;transport=<t>` of the transport, for Contact headers. */
  contactUri(protocol: TransportProtocol, user?: string): string {
    const local = this.local(protocol) ?? { address: "127.0.0.1", port: 5060 };
    return `sip:${user !== undefined ? `${user}@` : ""}${uriHost(local.address)}:${local.port};transport=${protocol.toLowerCase()}`;
  }

  invite(opts: InviteOptions): OutgoingCall | undefined {
    const peer: Source = {
      protocol: opts.target.protocol,
      remote: { address: opts.target.address, port: opts.target.port },
    };
    if (opts.connection !== undefined) peer.connection = opts.connection;
    return this.startInvite(peer, opts.request, opts);
  }

  private startInvite(
    peer: Source,
    request: SipRequest,
    opts: Pick<InviteOptions, "credentials" | "followRedirects">,
    existingDialog?: SipDialog,
  ): OutgoingCall | undefined {
    const uac = {
      random: this.options.random,
      ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
      ...(opts.followRedirects !== undefined ? { followRedirects: opts.followRedirects } : {}),
    };
    const call = new OutgoingCall(peer, this.callHost, uac, existingDialog);
    return call.start(request) ? call : undefined;
  }

  /** An out-of-dialog non-INVITE request, answered once with credentials on 401/407. */
  async request(
    target: Target,
    request: SipRequest,
    credentials?: DigestCredentials,
  ): Promise<RequestOutcome> {
    const peer: Source = {
      protocol: target.protocol,
      remote: { address: target.address, port: target.port },
    };
    const first = await this.sendNonInvite(request, peer);
    if (
      !first.ok ||
      credentials === undefined ||
      (first.response.status !== 401 && first.response.status !== 407)
    )
      return first;
    const retry = authenticatedRetry(request, first.response, credentials, this.options.random);
    return retry.ok ? this.sendNonInvite(retry.request, peer) : first;
  }

  /** Sends a non-INVITE request in a new client transaction and resolves with its final response. */
  sendNonInvite(request: SipRequest, peer: Source): Promise<RequestOutcome> {
    if (this.stopping && request.method !== "REGISTER" && request.method !== "BYE") {
      return Promise.resolve({ ok: false, reason: "closed" });
    }
    // A CANCEL arrives with the INVITE's Via already (§9.1); everything else gets a new branch.
    const withVia =
      topVia(request) !== undefined
        ? request
        : this.io.withOurVia(request, peer.protocol, this.io.newBranch());
    const tx = this.layer.sendRequest(withVia, peer, this.reliable(peer.protocol));
    if (!tx.ok) return Promise.resolve({ ok: false, reason: "transport-error" });
    return new Promise((resolve) => this.nonInviteByTx.set(tx.value.id, resolve));
  }

  private reliable(protocol: TransportProtocol): boolean {
    return this.io.transport(protocol)?.reliable ?? protocol !== "UDP";
  }

  private openDialog(ref: Dialog, peer: Source): SipDialog {
    const d = new SipDialog(ref, peer, this.dialogHost);
    this.dialogs.set(d.id, d);
    return d;
  }

  private readonly callHost = {
    sendInvite: (call: OutgoingCall, request: SipRequest): SipRequest | undefined => {
      const withVia = this.io.withOurVia(request, call.peer.protocol, this.io.newBranch());
      const tx = this.layer.sendRequest(withVia, call.peer, this.reliable(call.peer.protocol));
      if (!tx.ok) return undefined;
      this.outgoingByTx.set(tx.value.id, call);
      return withVia;
    },
    sendCancel: (call: OutgoingCall, request: SipRequest) => void this.sendNonInvite(request, call.peer),
    sendInDialog: (call: OutgoingCall, request: SipRequest) => {
      if (request.method === "ACK") {
        // §13.2.2.4 / §17.1.1.3: the ACK for a 2xx is sent outside any transaction.
        void this.io.sendRequest(
          request,
          { protocol: call.peer.protocol, ...call.peer.remote },
          undefined,
          call.peer.connection,
        );
      } else void this.sendNonInvite(request, call.peer);
    },
    openDialog: (call: OutgoingCall, ref: Dialog, response: SipResponse) => {
      if (call.existingDialog === undefined) return this.openDialog(ref, call.peer);
      call.existingDialog.refreshTarget(response);
      return call.existingDialog;
    },
  };

  private respondTx(txId: string, response: SipResponse): void {
    const tx = this.serverTx.get(txId);
    if (tx !== undefined) this.layer.respond(tx, response);
  }

  private onResponse(response: SipResponse, tx: Transaction<Source>): void {
    const call = this.outgoingByTx.get(tx.id);
    if (call !== undefined) call.response(response);
    if (call !== undefined || response.status < 200) return;
    const resolve = this.nonInviteByTx.get(tx.id);
    this.nonInviteByTx.delete(tx.id);
    resolve?.({ ok: true, response });
  }

  private onFailure(tx: Transaction<Source>, reason: "timeout" | "transport-error"): void {
    this.outgoingByTx.get(tx.id)?.timeout();
    const resolve = this.nonInviteByTx.get(tx.id);
    this.nonInviteByTx.delete(tx.id);
    resolve?.({ ok: false, reason });
    this.logger.debug("sip: transaction failed", { reason, method: tx.request.method });
  }
}
