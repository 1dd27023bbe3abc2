/**
 * One call's record inside the manager (DESIGN.md rule 3: only `call/manager` holds these):
 * the pure status machine of `call-state.ts`, the handles of its ports (signalling, dialog,
 * media, ring timer), and the SDP session it negotiated. Also the in-dialog behaviour shared
 * by both directions: remote BYE, remote re-INVITE (hold/resume/codec change, sip.md §7), the
 * media timeout (sip.md §10), received DTMF (RFC 4733 and SIP INFO, sip.md §9), NOTIFYs of a
 * transfer (sip.md §8), the fan-out to attached audio WebSockets (websocket.md §2), and the
 * outbound audio: a REST play before the WebSocket queue, mute (websocket.md §6).
 */
import type { TimerHandle, Timers } from "../lib/clock.ts";
import {
  answerOffer,
  type CodecName,
  type LocalOrigin,
  type NegotiatedMedia,
  parseSdp,
  readAnswer,
  remoteHoldChange,
  type SessionDescription,
  sequenceLocalDescription,
  serializeSdp,
} from "../sdp/index.ts";
import {
  type CallDirection,
  type CallInput,
  type CallState,
  type CallStatus,
  callStep,
  isAnswered,
} from "./call-state.ts";
import type { CallStreamListener, CallStreamPort } from "./call-stream-port.ts";
import type { CallEvent, EndReason } from "./events.ts";
import type { Playback } from "./playback.ts";
import type {
  CallDialog,
  CallMedia,
  DialogHandlers,
  FrameSourceLike,
  InboundInvite,
  OutboundInvite,
  ReInviteAnswer,
  TransferProgress,
} from "./ports.ts";

/** What the manager offers each call. */
export interface CallHost {
  now(): number;
  readonly timers: Timers;
  emit(event: CallEvent): void;
  /** The call ended: drop it from the registry (rest-api.md §2: ended calls answer 404). */
  forget(call: Call): void;
}

/** A read-only snapshot for the API, the stream and the root (rest-api.md §2 call object + stream facts). */
export interface CallView {
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  readonly direction: CallDirection;
  /** `completed` only inside the `call.ended` event callback (rest-api.md §2: reserved, never listed). */
  readonly status: CallStatus | "completed";
  readonly peer?: string;
  readonly trunk?: string;
  /** `false` → WS upgrades get 403 (websocket.md §1 check 5). */
  readonly stream: boolean;
  readonly customParameters: Readonly<Record<string, string>>;
  /** Per-call lifecycle event URL (webhooks.md §1 "Event URL"). */
  readonly webhookUrl?: string;
}

/** Our side of the SDP session: where we advertise, the o= line we keep, the allowlist (sip.md §4). */
export interface LocalSession {
  readonly address: string;
  readonly origin: LocalOrigin;
  readonly allow: readonly CodecName[];
  readonly srtpKey: string;
}

export interface CallSetup {
  readonly state: CallState;
  /** The trunk-host peer the call came from or goes to (rest-api.md §2 `peer`). */
  readonly peer?: string;
  /** The registered trunk it came in on or goes out through (rest-api.md §2 `trunk`). */
  readonly trunk?: string;
  readonly stream: boolean;
  readonly customParameters: Readonly<Record<string, string>>;
  readonly webhookUrl?: string;
  readonly local: LocalSession;
  readonly media: CallMedia;
}

export class Call {
  private stateValue: CallState;
  stream: boolean;
  customParameters: Readonly<Record<string, string>>;
  webhookUrl: string | undefined;
  readonly peer: string | undefined;
  readonly trunk: string | undefined;
  readonly local: LocalSession;
  readonly media: CallMedia;
  /** Our last SDP in this session (offer or answer), for o= versioning (RFC 3264 §8). */
  localSdp: SessionDescription | undefined;
  dialog: CallDialog | undefined;
  /** Inbound, until answered: the INVITE to ring/accept/reject. */
  invite: InboundInvite | undefined;
  /** Outbound, until answered: the INVITE to cancel. */
  outbound: OutboundInvite | undefined;
  /** Set while one of our re-INVITEs is pending (sip.md §7: a remote one then gets 491). */
  localReInvitePending = false;
  /** A REFER of ours was sent; its NOTIFYs decide the outcome (sip.md §8 step 3). */
  transfer: { readonly target: string; readonly onNotify: (progress: TransferProgress) => void } | undefined;
  private ringTimer: TimerHandle | undefined;
  private readonly listeners = new Set<CallStreamListener>();
  private mutedValue = false;
  private playback: Playback | undefined;
  /** The WebSocket's queue; the media session pulls it directly while no play runs (websocket.md §6). */
  private streamSource: FrameSourceLike | undefined;

  constructor(
    setup: CallSetup,
    private readonly host: CallHost,
  ) {
    this.stateValue = setup.state;
    this.peer = setup.peer;
    this.trunk = setup.trunk;
    this.stream = setup.stream;
    this.customParameters = setup.customParameters;
    this.webhookUrl = setup.webhookUrl;
    this.local = setup.local;
    this.media = setup.media;
    // sip.md §10: the media layer reports 30 s without RTP (suspended on hold) → BYE, `timeout`.
    setup.media.onTimeout(() => this.hangUp("timeout"));
    // sip.md §9: each received digit goes to the webhook and to the WS (webhooks.md §3 call.dtmf).
    setup.media.onDtmf((digit) => this.reportDigit(digit));
  }

  private reportDigit(digit: string): void {
    if (!isAnswered(this.stateValue)) return;
    this.host.emit({ type: "call.dtmf", callId: this.id, digit });
    for (const l of this.listeners) l.dtmf(digit);
  }

  /** rest-api.md §3 mute/unmute: idempotent; queues keep draining, silence goes out. */
  setMuted(muted: boolean): void {
    if (this.mutedValue === muted) return;
    this.mutedValue = muted;
    this.media.setMuted?.(muted);
    for (const l of this.listeners) l.muted(muted);
  }

  /** rest-api.md §3 play: a new play interrupts the running one; the WS queue pauses meanwhile. */
  startPlayback(play: Playback): void {
    this.stopPlayback();
    this.playback = play;
    // websocket.md §6: play has priority; the WS queue is not pulled, so it waits (marks too).
    this.media.setFrameSource(play);
    for (const l of this.listeners) l.playActive(true);
  }

  /** Stop, replacement or hangup: `call.play_finished {interrupted: true}`; undefined when nothing plays. */
  stopPlayback(): string | undefined {
    const play = this.playback;
    if (play === undefined) return undefined;
    play.cancel();
    this.endPlayback(play, true);
    return play.playId;
  }

  /** The play's last frame was pulled by the media tick (its `onFinished`). */
  playbackFinished(play: Playback): void {
    if (this.playback === play) this.endPlayback(play, false);
  }

  private endPlayback(play: Playback, interrupted: boolean): void {
    this.playback = undefined;
    if (!this.ended) this.media.setFrameSource(this.streamSource);
    this.host.emit({ type: "call.play_finished", callId: this.id, playId: play.playId, interrupted });
    for (const l of this.listeners) l.playActive(false);
  }

  get id(): string {
    return this.stateValue.callId;
  }

  get state(): CallState {
    return this.stateValue;
  }

  get ended(): boolean {
    return this.stateValue.status === "ended";
  }

  view(): CallView {
    const s = this.stateValue;
    return {
      callId: s.callId,
      from: s.from,
      to: s.to,
      direction: s.direction,
      status: s.status === "ended" ? "completed" : s.status,
      ...(this.peer !== undefined ? { peer: this.peer } : {}),
      ...(this.trunk !== undefined ? { trunk: this.trunk } : {}),
      stream: this.stream,
      customParameters: this.customParameters,
      ...(this.webhookUrl !== undefined ? { webhookUrl: this.webhookUrl } : {}),
    };
  }

  /** Feeds the status machine and publishes its events in order (event sink first, then the stream). */
  apply(input: CallInput): void {
    // rest-api.md §3 DELETE: the play is interrupted before `call.ended`.
    if (input.kind === "end" && this.stateValue.status !== "ended") this.stopPlayback();
    const step = callStep(this.stateValue, input, this.host.now());
    this.stateValue = step.state;
    for (const e of step.events) {
      this.host.emit(e);
      this.notifyStream(e);
    }
    if (step.state.status === "ended") this.release();
  }

  /** This call as the audio WebSocket sees it (websocket.md §1–§2). */
  streamPort(): CallStreamPort {
    const call = this;
    return {
      callId: this.id,
      get state() {
        return call.stateValue.status;
      },
      get streamAllowed() {
        return call.stream;
      },
      get customParameters() {
        return call.customParameters;
      },
      get remoteHeld() {
        return call.stateValue.heldRemote;
      },
      get playing() {
        return call.playback !== undefined;
      },
      get isMuted() {
        return call.mutedValue;
      },
      subscribe: (listener) => this.subscribe(listener),
      setStreamSource: (source) => {
        this.streamSource = source;
        if (this.playback === undefined) this.media.setFrameSource(source);
      },
    };
  }

  private subscribe(listener: CallStreamListener): () => void {
    if (this.ended) return () => {};
    this.listeners.add(listener);
    // Decode caller audio only while someone listens (websocket.md §7).
    if (this.listeners.size === 1) {
      this.media.setFrameSink((frame) => {
        for (const l of this.listeners) l.audio(frame);
      });
    }
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.media.setFrameSink(undefined);
    };
  }

  private notifyStream(e: CallEvent): void {
    if (this.listeners.size === 0) return;
    for (const l of [...this.listeners]) {
      if (e.type === "call.answered") {
        // websocket.md §2.4: accepted with stream: false → `stop` without `start`.
        if (this.stream) l.answered();
        else l.streamDisabled();
      } else if (e.type === "call.hold" && e.by === "remote") l.remoteHold(true);
      else if (e.type === "call.resumed" && e.by === "remote") l.remoteHold(false);
      else if (e.type === "call.ended") l.ended(e.reason);
    }
  }

  /** Ends the call without further signalling (the caller did or does its own). */
  finish(reason: EndReason, sipCode?: number): void {
    if (this.ended) return;
    this.apply(sipCode === undefined ? { kind: "end", reason } : { kind: "end", reason, sipCode });
  }

  /** BYE on the dialog (when there is one) and end (sip.md §6 "BYE from us"). */
  hangUp(reason: EndReason): void {
    if (this.ended) return;
    this.dialog?.bye();
    this.finish(reason);
  }

  startRingTimer(ms: number, onExpiry: () => void): void {
    this.ringTimer = this.host.timers.setTimeout(() => {
      this.ringTimer = undefined;
      onExpiry();
    }, ms);
  }

  stopRingTimer(): void {
    if (this.ringTimer !== undefined) this.host.timers.clearTimeout(this.ringTimer);
    this.ringTimer = undefined;
  }

  /** Handlers for the dialog's requests from the remote side. */
  dialogHandlers(): DialogHandlers {
    return {
      // sip.md §6: the adapter answers 200 OK; media stopped, reason `normal`.
      bye: () => this.finish("normal"),
      reInvite: (offer) => this.answerReInvite(offer),
      // sip.md §9: a DTMF INFO is reported like an RFC 4733 digit.
      dtmf: (digit) => this.reportDigit(digit),
      // sip.md §8 step 3: NOTIFYs matter only while our REFER is out.
      referNotify: (progress) => this.transfer?.onNotify(progress),
    };
  }

  /**
   * The media an SDP answer to `offer` (by default our last description) agrees on, or
   * undefined when there is no answer or it is unusable: not SDP, no codec of our allowlist,
   * another RTP profile (RFC 3264 §6).
   */
  readAnswer(sdp: string | undefined, offer = this.localSdp): NegotiatedMedia | undefined {
    if (sdp === undefined || offer === undefined) return undefined;
    const parsed = parseSdp(sdp);
    if (!parsed.ok) return undefined;
    const media = readAnswer(offer, parsed.value, { allow: this.local.allow });
    return media.ok ? media.value : undefined;
  }

  /** sip.md §7: answer a remote re-INVITE, switch media, report remote hold changes. */
  answerReInvite(offerText: string | undefined): ReInviteAnswer {
    // RFC 3261 §14.2: a re-INVITE before our final response to the first INVITE → 500; one
    // crossing our own pending re-INVITE → 491 (the glare rule, each side retries later).
    if (this.ended || !isAnswered(this.stateValue)) return { status: 500, reason: "call not answered" };
    if (this.localReInvitePending) return { status: 491, reason: "a re-INVITE of ours is pending" };
    if (offerText === undefined) {
      // RFC 3264 §8: an offer-less re-INVITE gets our current description as the offer again.
      return this.localSdp === undefined
        ? { status: 500, reason: "no local description" }
        : { status: 200, sdp: serializeSdp(this.localSdp) };
    }
    const offer = parseSdp(offerText);
    if (!offer.ok) return { status: 488, reason: `unreadable SDP: ${offer.error.reason}` };
    const answer = answerOffer(offer.value, {
      address: this.local.address,
      port: this.media.localPort,
      origin: this.local.origin,
      allow: this.local.allow,
      srtpKey: this.local.srtpKey,
    });
    // The call stays as it was when the re-offer cannot be answered (RFC 3264 §8).
    if (!answer.ok) return { status: 488, reason: answer.error.reason };
    const sdp = sequenceLocalDescription(this.localSdp, answer.value.sdp);
    this.localSdp = sdp;
    const change = remoteHoldChange(this.stateValue.heldRemote, offer.value);
    this.media.update(answer.value.media);
    this.media.setDirection(answer.value.media.direction);
    if (change !== undefined) this.apply({ kind: "hold", by: "remote", held: change === "hold" });
    return { status: 200, sdp: serializeSdp(sdp) };
  }

  private release(): void {
    this.transfer = undefined;
    this.stopRingTimer();
    this.listeners.clear();
    this.media.setFrameSink(undefined);
    this.media.setFrameSource(undefined);
    this.media.close();
    this.host.forget(this);
  }
}
