/**
 * The one registry of calls (DESIGN.md rule 3) and the commands on them: receive an inbound
 * INVITE (trunk host, spec/sip.md §3–§6, or through a registered trunk, §2), create an outbound
 * call to a peer or through a registered trunk (rest-api.md §3 POST /v1/calls), hang up by
 * state (DELETE: CANCEL / 603 / BYE), and shut down (every call ends with reason `shutdown`).
 * Call ids are `CA` + 32 hex from the injected Random; calls are kept in creation order and
 * removed the moment they end. The flows themselves live beside it (inbound-call.ts,
 * trunk-inbound.ts, outbound-call.ts, trunk-dial.ts) and borrow from it only what their context
 * names. The mid-call commands (hold, resume, transfer, dtmf, mute, play; rest-api.md §3) look
 * a call up, check its state and return a Result whose error classifies itself.
 */
import type { Clock, Timers } from "../lib/clock.ts";
import { type Logger, nullLogger } from "../lib/logger.ts";
import { type Random, randomHex } from "../lib/random.ts";
import { err, ok, type Result } from "../lib/result.ts";
import { freshOrigin } from "../sdp/index.ts";
import { Call, type CallHost, type CallSetup, type CallView, type LocalSession } from "./call.ts";
import { newCallState } from "./call-state.ts";
import type { CallStreamPort } from "./call-stream-port.ts";
import { findCall, setMute, startPlay, stopPlay } from "./control-commands.ts";
import { sendDigits } from "./control-dtmf.ts";
import type { CommandError } from "./control-errors.ts";
import { CallError } from "./errors.ts";
import type { CallEvent } from "./events.ts";
import { setLocalHold } from "./hold.ts";
import { type InboundBase, receiveInvite } from "./inbound-call.ts";
import { dialNamedPeer } from "./outbound-call.ts";
import type { DialContext, OutboundCallRequest } from "./outbound-dial.ts";
import { PlayIds } from "./playback.ts";
import type {
  CallMedia,
  DecisionPort,
  Dialer,
  DigestPort,
  EventSink,
  InboundInvite,
  InviteInputs,
  MediaPort,
} from "./ports.ts";
import { transferCall } from "./transfer.ts";
import { dialNamedTrunk } from "./trunk-dial.ts";
import { type AdvertiseOptions, answerStrayRequest, type StrayAnswer, type TrunkPeer } from "./trunk-host.ts";
import { receiveTrunkInvite } from "./trunk-inbound.ts";
import type { TrunkInboundInvite, TrunkPort } from "./trunk-port.ts";

/** webhooks.md §2: at most 256 calls may await a decision at once. */
export const MAX_PENDING_DECISIONS = 256;

export interface CallManagerOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly media: MediaPort;
  readonly decisions: DecisionPort;
  readonly events: EventSink;
  readonly digest: DigestPort;
  /** `server.peers` in config order; undefined when there is no `server` block. */
  readonly peers?: readonly TrunkPeer[];
  /** Advertised-address inputs (sip.md §4). */
  readonly advertise: AdvertiseOptions;
  /** Sends INVITEs to peers; undefined while the trunk host is not listening (→ 503). */
  readonly dialer?: Dialer;
  /** Names of the configured `trunks[]` when there is no `trunkPort` (calls on them → 503). */
  readonly trunks?: readonly string[];
  /** Registered trunks (sip.md §2): their state, RTP ports and the client stack's dialer. */
  readonly trunkPort?: TrunkPort;
  readonly maxPendingDecisions?: number;
  readonly logger?: Logger;
}

export class CallManager {
  /** Map iteration order = insertion order = creation order (rest-api.md §2). */
  private readonly calls = new Map<string, Call>();
  private pendingDecisions = 0;
  private shuttingDownValue = false;
  private readonly host: CallHost;
  private readonly logger: Logger;
  /** rest-api.md §3 play: `play_<n>` counts across all calls of the process. */
  private readonly playIds = new PlayIds();

  constructor(private readonly o: CallManagerOptions) {
    this.logger = o.logger ?? nullLogger;
    this.host = {
      now: () => o.clock.now(),
      timers: o.timers,
      emit: (e: CallEvent) => this.emit(e),
      forget: (call: Call) => {
        if (this.calls.get(call.id) === call) this.calls.delete(call.id);
      },
    };
  }

  get shuttingDown(): boolean {
    return this.shuttingDownValue;
  }

  /** Calls in creation order (GET /v1/calls). */
  list(): CallView[] {
    return [...this.calls.values()].map((c) => c.view());
  }

  /** One call, or undefined when unknown or already ended (GET /v1/calls/{id} → 404). */
  get(callId: string): CallView | undefined {
    return this.calls.get(callId)?.view();
  }

  /** The call as the audio WebSocket sees it; pass as the stream hub's `findCall` (websocket.md §1 check 4). */
  streamPort(callId: string): CallStreamPort | undefined {
    return this.calls.get(callId)?.streamPort();
  }

  get size(): number {
    return this.calls.size;
  }

  /** An out-of-dialog INVITE arrived at the trunk host; the root forwards its CANCEL/ACK to the result. */
  handleInvite(invite: InboundInvite): InviteInputs {
    const o = this.o;
    return receiveInvite(
      { ...this.inboundContext(), peers: o.peers ?? [], media: o.media, advertise: o.advertise },
      invite,
    );
  }

  /**
   * An INVITE to a Contact we registered (sip.md §2 "Incoming INVITE on a trunk"): matched to a
   * trunk (404/403 otherwise), then the same decision, events and stream as a trunk-host call.
   */
  handleTrunkInvite(invite: TrunkInboundInvite): InviteInputs {
    const port = this.o.trunkPort;
    return receiveTrunkInvite({ ...this.inboundContext(), lines: () => port?.lines() ?? [] }, invite);
  }

  /** The answer to a request outside any dialog or pending INVITE (sip.md §3: OPTIONS, 405, 481). */
  answerStray(method: string, hasToTag: boolean): StrayAnswer | undefined {
    return answerStrayRequest(method, hasToTag, this.shuttingDownValue);
  }

  /** POST /v1/calls (rest-api.md §3): the 201 comes as soon as the INVITE is sent. */
  async create(request: OutboundCallRequest): Promise<Result<CallView, CallError>> {
    if (this.shuttingDownValue) return err(new CallError("shutting_down", "the gateway is shutting down"));
    const o = this.o;
    const dialed =
      request.peer === undefined
        ? await dialNamedTrunk(this.dialContext(), o.trunkPort, o.trunks ?? [], request)
        : await dialNamedPeer(
            { ...this.dialContext(), media: o.media, dialer: o.dialer, advertise: o.advertise },
            o.peers,
            request.peer,
            request,
          );
    return dialed.ok ? ok(dialed.value.view()) : dialed;
  }

  /**
   * DELETE /v1/calls/{id} (rest-api.md §3): outbound `dialing`/`ringing` → CANCEL, reason
   * `cancelled`; inbound `ringing` → 603, reason `rejected`; answered/held → BYE, reason `local`.
   */
  hangup(callId: string): Result<void, CallError> {
    const call = this.calls.get(callId);
    if (call === undefined) return err(new CallError("call_not_found", `call '${callId}' does not exist`));
    this.end(call, "hangup");
    return ok(undefined);
  }

  // Mid-call commands (rest-api.md §3): 404 unknown call, 409 wrong state, 502/504 from the peer.

  /** …/hold (sip.md §7): re-INVITE `a=sendonly`; answers after the peer's final response. */
  hold(callId: string): Promise<Result<CallView, CommandError>> {
    return this.withCall(callId, (c) => setLocalHold(c, this.host, true));
  }

  /** …/resume (sip.md §7): re-INVITE `a=sendrecv` (`recvonly` while the remote holds). */
  resume(callId: string): Promise<Result<CallView, CommandError>> {
    return this.withCall(callId, (c) => setLocalHold(c, this.host, false));
  }

  /** …/transfer (sip.md §8): answers once the REFER is accepted. */
  transfer(callId: string, target: string): Promise<Result<CallView, CommandError>> {
    return this.withCall(callId, (c) => transferCall(c, this.host, target));
  }

  /** …/dtmf (sip.md §9): answers after the last digit; `digits` validated by the API. */
  sendDtmf(callId: string, digits: string): Promise<Result<CallView, CommandError>> {
    return this.withCall(callId, (c) => sendDigits(c, this.host, digits));
  }

  mute(callId: string): Result<CallView, CommandError> {
    return setMute(this.calls, callId, true);
  }

  unmute(callId: string): Result<CallView, CommandError> {
    return setMute(this.calls, callId, false);
  }

  /** …/play: `pcm` 8 kHz mono, fetched and decoded by the API; `loopCount` 0 = until stopped. */
  play(callId: string, pcm: Int16Array, loopCount: number): Result<{ playId: string }, CommandError> {
    return startPlay(this.calls, this.playIds, callId, pcm, loopCount);
  }

  stopPlay(callId: string): Result<{ playId: string }, CommandError> {
    return stopPlay(this.calls, callId);
  }

  private async withCall<T>(
    callId: string,
    run: (call: Call) => Promise<Result<T, CommandError>>,
  ): Promise<Result<T, CommandError>> {
    const call = findCall(this.calls, callId);
    return call.ok ? run(call.value) : call;
  }

  /** Ends every call with reason `shutdown`; new INVITEs, OPTIONS and POSTs get 503 from now on. */
  shutdown(): void {
    this.shuttingDownValue = true;
    for (const call of [...this.calls.values()]) this.end(call, "shutdown");
  }

  private end(call: Call, why: "hangup" | "shutdown"): void {
    const status = call.state.status;
    if (call.state.direction === "outbound" && (status === "dialing" || status === "ringing")) {
      call.outbound?.cancel();
      call.outbound = undefined;
      call.finish(why === "hangup" ? "cancelled" : "shutdown");
    } else if (status === "ringing") {
      // sip.md §5: DELETE while ringing → 603; shutting down → 503.
      const code = why === "hangup" ? 603 : 503;
      call.invite?.reject(code);
      call.invite = undefined;
      call.finish(why === "hangup" ? "rejected" : "shutdown", code);
    } else {
      call.hangUp(why === "hangup" ? "local" : "shutdown");
    }
  }

  private emit(e: CallEvent): void {
    try {
      this.o.events(e);
    } catch (error) {
      // A consumer bug must not break call handling (webhooks.md §1 "Blocking").
      this.logger.error("call event consumer threw", {
        event: e.type,
        call_id: e.callId,
        error: String(error),
      });
    }
  }

  /** What both inbound flows borrow (inbound-call.ts, trunk-inbound.ts). */
  private inboundContext(): InboundBase {
    const o = this.o;
    return {
      now: () => o.clock.now(),
      shuttingDown: () => this.shuttingDownValue,
      digest: o.digest,
      decisions: o.decisions,
      logger: this.logger,
      // webhooks.md §2: at most 256 calls await a decision at once.
      reserveDecisionSlot: () => {
        if (this.pendingDecisions >= (o.maxPendingDecisions ?? MAX_PENDING_DECISIONS)) return false;
        this.pendingDecisions++;
        return true;
      },
      releaseDecisionSlot: () => {
        this.pendingDecisions--;
      },
      newCallId: () => this.newCallId(),
      newLocalSession: (address, allow) => this.newLocalSession(address, allow),
      register: (callId, inv, origin, local, media) => {
        const call = this.newCall(callId, "inbound", inv.fromUser, inv.toUser, origin, local, media, {});
        call.invite = inv;
        this.calls.set(callId, call);
        return call;
      },
    };
  }

  /** What both dialing flows borrow (outbound-dial.ts). */
  private dialContext(): DialContext {
    return {
      shuttingDown: () => this.shuttingDownValue,
      newCallId: () => this.newCallId(),
      newLocalSession: (address, allow) => this.newLocalSession(address, allow),
      create: (callId, req, origin, local, media) =>
        this.newCall(callId, "outbound", req.from, req.to, origin, local, media, req),
      register: (call) => {
        this.calls.set(call.id, call);
      },
    };
  }

  private newCallId(): string {
    let id: string;
    do id = `CA${randomHex(this.o.random, 16)}`;
    while (this.calls.has(id));
    return id;
  }

  private newLocalSession(address: string, allow: TrunkPeer["codecs"]): LocalSession {
    return { address, origin: freshOrigin(this.o.random), allow, srtpKey: srtpKey(this.o.random) };
  }

  private newCall(
    callId: string,
    direction: "inbound" | "outbound",
    from: string,
    to: string,
    origin: Pick<CallSetup, "peer" | "trunk">,
    local: LocalSession,
    media: CallMedia,
    req: Pick<OutboundCallRequest, "stream" | "customParameters" | "webhookUrl">,
  ): Call {
    return new Call(
      {
        state: newCallState(callId, direction, from, to),
        ...origin,
        stream: req.stream ?? true,
        customParameters: req.customParameters ?? {},
        ...(req.webhookUrl !== undefined ? { webhookUrl: req.webhookUrl } : {}),
        local,
        media,
      },
      this.host,
    );
  }
}

/** 30 random bytes (AES-128 key 16 + salt 14, RFC 4568 §6.1) as base64 for the `inline:` of an SRTP answer. */
function srtpKey(random: Random): string {
  return btoa(String.fromCharCode(...random.bytes(30)));
}
