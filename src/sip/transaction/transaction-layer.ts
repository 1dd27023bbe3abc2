/**
 * The transaction layer (RFC 3261 §17): holds the live transactions, matches incoming
 * messages to them (§17.1.3, §17.2.3, CANCEL per §9.2), runs their timers on an injected
 * Timers port, reports transport failures (§17.1.4, §17.2.4) and talks to the TU through the
 * TransactionUser callbacks. It is pure in the DESIGN.md sense: time comes from the injected
 * Clock/Timers, bytes leave through the injected `send`.
 *
 * Re-entrancy: a TU callback may call back into the layer (e.g. `respond` inside
 * `onRequest`); such calls are queued and run after the current step's actions, so every
 * machine's actions are performed in the order it produced them.
 *
 * `D` is the caller's address type: for a client transaction, where its requests go; for a
 * server transaction, the source of the request (responses are routed from it, §18.2.2).
 */
import type { Clock, TimerHandle, Timers } from "../../lib/clock.ts";
import { err, ok, type Result } from "../../lib/result.ts";
import type { SipMessage, SipRequest, SipResponse } from "../message/index.ts";
import type { InviteServerOptions } from "./invite-server-transaction.ts";
import {
  type AnyTransactionInput,
  type AnyTransactionState,
  createClientMachine,
  createServerMachine,
  stepMachine,
  type TransactionKind,
} from "./machine.ts";
import { BRANCH_COOKIE, clientKeyOfRequest, clientKeyOfResponse, serverKey, topBranch } from "./matching.ts";
import type { TimerConfig, TimerName, TransactionAction } from "./types.ts";

/** What the TU sees of a transaction. */
export interface Transaction<D> {
  /** The matching key (§17.1.3 / §17.2.3); unique among live transactions. */
  readonly id: string;
  readonly kind: TransactionKind;
  /** The request that created it. */
  readonly request: SipRequest;
  readonly dest: D;
  readonly reliable: boolean;
  /** Current state name of the machine (`calling`, `proceeding`, `accepted`, …). */
  readonly state: string;
  /** For a CANCEL server transaction: the INVITE server transaction it cancels (§9.2), if any. */
  readonly cancels?: Transaction<D>;
}

/** The callbacks the UA layer implements. */
export interface TransactionUser<D> {
  /** A new request (never ACK) created a server transaction; answer with `layer.respond(tx, …)`. */
  onRequest(request: SipRequest, tx: Transaction<D>): void;
  /** An ACK for a 2xx: one matching no transaction (§17.2.3, §13.3.1.4) or reaching an Accepted INVITE server transaction (RFC 6026 §8.7). */
  onAck(ack: SipRequest, source: D): void;
  /** A response a client transaction passes up (provisionals, finals, RFC 6026 2xx retransmissions). */
  onResponse(response: SipResponse, tx: Transaction<D>): void;
  /** Timer B, F (no final response) or H (no ACK for our non-2xx final) fired. */
  onTimeout(tx: Transaction<D>, timer: "B" | "F" | "H"): void;
  onTransportError(tx: Transaction<D>): void;
  onTerminated?(tx: Transaction<D>): void;
}

export interface TransactionLayerOptions<D> {
  clock: Clock;
  timers: Timers;
  /** Hands a message to the transport; an asynchronous failure comes back via `transportError(tx)`. */
  send(message: SipMessage, dest: D, tx: Transaction<D>): void;
  tu: TransactionUser<D>;
  /** T1/T2/T4 (defaults 500 ms / 4 s / 5 s). */
  config?: Partial<TimerConfig>;
  /** INVITE server transactions send 100 Trying themselves (§17.2.1). Default true. */
  sendTrying?: boolean;
  /** Bound on live transactions (DESIGN.md: bounded everything). Default 10 000. */
  maxTransactions?: number;
}

/** What `receiveRequest` did with a request. */
export type RequestDisposition =
  | "new-transaction"
  | "matched-transaction"
  | "ack-to-tu"
  | "invalid"
  | "overloaded";

class Entry<D> implements Transaction<D> {
  readonly timerHandles = new Map<TimerName, TimerHandle>();
  constructor(
    readonly id: string,
    readonly request: SipRequest,
    readonly dest: D,
    readonly reliable: boolean,
    public machine: AnyTransactionState,
    readonly cancels?: Transaction<D>,
  ) {}
  get kind(): TransactionKind {
    return this.machine.kind;
  }
  get state(): string {
    return this.machine.state.name;
  }
}

export class TransactionLayer<D> {
  private readonly client = new Map<string, Entry<D>>();
  private readonly server = new Map<string, Entry<D>>();
  private readonly queue: Array<() => void> = [];
  private running = false;
  private readonly max: number;

  constructor(private readonly opts: TransactionLayerOptions<D>) {
    this.max = opts.maxTransactions ?? 10_000;
  }

  /** Live transactions (client + server). */
  get size(): number {
    return this.client.size + this.server.size;
  }

  /**
   * Starts a client transaction (§17.1). The request must already carry its top Via with a
   * magic-cookie branch (see `newBranch`), which is the transaction's identity.
   */
  sendRequest(request: SipRequest, dest: D, reliable: boolean): Result<Transaction<D>, string> {
    if (request.method === "ACK") return err("ACK never creates a client transaction (§17.1)");
    const branch = topBranch(request);
    if (branch === undefined || !branch.startsWith(BRANCH_COOKIE)) {
      return err("request needs a top Via with a z9hG4bK branch (§8.1.1.7)");
    }
    const key = clientKeyOfRequest(request);
    if (key === undefined || this.client.has(key)) return err("a client transaction with this branch exists");
    if (this.size >= this.max) return err("transaction table full");
    const created = createClientMachine(request, this.machineOptions(reliable), this.opts.clock.now());
    const entry = new Entry(key, request, dest, reliable, created.machine);
    this.client.set(key, entry);
    this.run(() => this.perform(entry, created.actions));
    return ok(entry);
  }

  /** A request from the transport (§17.2.3 matching; CANCEL per §9.2; unmatched ACK → TU). */
  receiveRequest(request: SipRequest, source: D, reliable: boolean): RequestDisposition {
    const key = serverKey(request);
    if (key === undefined) return "invalid";
    const existing = this.server.get(key);
    if (existing !== undefined) {
      this.input(existing, { type: "request", request });
      return "matched-transaction";
    }
    if (request.method === "ACK") {
      // §17.2.3: an ACK matching no INVITE server transaction is for a 2xx: the core gets it.
      this.run(() => this.opts.tu.onAck(request, source));
      return "ack-to-tu";
    }
    if (this.size >= this.max) return "overloaded";
    const cancels =
      request.method === "CANCEL" ? this.server.get(serverKey(request, "INVITE") ?? "") : undefined;
    const created = createServerMachine(request, this.machineOptions(reliable));
    const entry = new Entry(key, request, source, reliable, created.machine, cancels);
    this.server.set(key, entry);
    this.run(() => this.perform(entry, created.actions));
    return "new-transaction";
  }

  /** A response from the transport: to its client transaction (§17.1.3), else discarded (§18.1.2). */
  receiveResponse(response: SipResponse): boolean {
    const key = clientKeyOfResponse(response);
    const entry = key === undefined ? undefined : this.client.get(key);
    if (entry === undefined) return false;
    this.input(entry, { type: "response", response });
    return true;
  }

  /** The TU's response for a server transaction. False when the transaction is gone. */
  respond(tx: Transaction<D>, response: SipResponse): boolean {
    const entry = this.server.get(tx.id);
    if (entry === undefined || entry !== tx) return false;
    this.input(entry, { type: "respond", response });
    return true;
  }

  /** The transport failed to deliver a message of `tx` (§17.1.4, §17.2.4). */
  transportError(tx: Transaction<D>): void {
    const entry = tx.kind.endsWith("client") ? this.client.get(tx.id) : this.server.get(tx.id);
    if (entry !== undefined && entry === tx) this.input(entry, { type: "transport-error" });
  }

  /** Stops every timer and forgets every transaction (shutdown). */
  close(): void {
    for (const entry of [...this.client.values(), ...this.server.values()]) this.clearTimers(entry);
    this.client.clear();
    this.server.clear();
  }

  private machineOptions(reliable: boolean): InviteServerOptions {
    const o: InviteServerOptions = { reliable };
    if (this.opts.config !== undefined) o.timers = this.opts.config;
    if (this.opts.sendTrying !== undefined) o.sendTrying = this.opts.sendTrying;
    return o;
  }

  private input(entry: Entry<D>, input: AnyTransactionInput): void {
    this.run(() => {
      if (entry.machine.state.name === "terminated") return;
      const step = stepMachine(entry.machine, input, this.opts.clock.now());
      entry.machine = step.machine;
      this.perform(entry, step.actions);
    });
  }

  /** Runs `job` now, or after the job in progress (run-to-completion, see the file comment). */
  private run(job: () => void): void {
    this.queue.push(job);
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) next();
    } finally {
      this.running = false;
    }
  }

  private perform(entry: Entry<D>, actions: TransactionAction[]): void {
    const tu = this.opts.tu;
    for (const a of actions) {
      switch (a.type) {
        case "send":
          this.opts.send(a.message, entry.dest, entry);
          break;
        case "start-timer": {
          this.stopTimer(entry, a.timer);
          const handle = this.opts.timers.setTimeout(() => {
            entry.timerHandles.delete(a.timer);
            this.input(entry, { type: "timer", timer: a.timer });
          }, a.ms);
          entry.timerHandles.set(a.timer, handle);
          break;
        }
        case "stop-timer":
          this.stopTimer(entry, a.timer);
          break;
        case "response-to-tu":
          tu.onResponse(a.response, entry);
          break;
        case "request-to-tu":
          if (a.request.method === "ACK") tu.onAck(a.request, entry.dest);
          else tu.onRequest(a.request, entry);
          break;
        case "timeout":
          tu.onTimeout(entry, a.timer);
          break;
        case "transport-error":
          tu.onTransportError(entry);
          break;
        case "terminated":
          this.clearTimers(entry);
          if (this.client.get(entry.id) === entry) this.client.delete(entry.id);
          if (this.server.get(entry.id) === entry) this.server.delete(entry.id);
          tu.onTerminated?.(entry);
          break;
      }
    }
  }

  private stopTimer(entry: Entry<D>, timer: TimerName): void {
    const h = entry.timerHandles.get(timer);
    if (h === undefined) return;
    this.opts.timers.clearTimeout(h);
    entry.timerHandles.delete(timer);
  }

  private clearTimers(entry: Entry<D>): void {
    for (const h of entry.timerHandles.values()) this.opts.timers.clearTimeout(h);
    entry.timerHandles.clear();
  }
}
