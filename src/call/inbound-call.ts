/**
 * An out-of-dialog INVITE to the trunk host, from receipt to answer (spec/sip.md §3, §5, §6;
 * webhooks.md §2): admission (peer by address, digest), SDP check (488, no webhook), the
 * pending-decision bound and RTP port (503), `180 Ringing` while the app decides, then 200 OK
 * with our answer (or our offer for a delayed offer), the rejection code, or 503. A CANCEL at
 * any point wins: 487 was sent by the stack, the call ends `cancelled`, a late decision is
 * ignored.
 */

import type { Logger } from "../lib/logger.ts";
import { answerOffer, buildOffer, parseSdp, type SessionDescription, serializeSdp } from "../sdp/index.ts";
import type { Call, CallSetup, LocalSession } from "./call.ts";
import { CALL_ERRORS } from "./errors.ts";
import type { IncomingDecision } from "./events.ts";
import type { CallMedia, DecisionPort, DigestPort, InboundInvite, InviteInputs, MediaPort } from "./ports.ts";
import { type AdvertiseOptions, admitInvite, advertisedAddress, type TrunkPeer } from "./trunk-host.ts";

/** What the manager lends every inbound flow, whichever way the INVITE came in. */
export interface InboundBase {
  now(): number;
  /** Asked again after the RTP port is bound: a shutdown may have begun while we waited. */
  shuttingDown(): boolean;
  readonly digest: DigestPort;
  readonly decisions: DecisionPort;
  /** Where a flow reports its own bug (an exception it did not expect) before answering 503. */
  readonly logger: Logger;
  /** Takes one of the ≤ 256 pending-decision slots (webhooks.md §2); false when none is free. */
  reserveDecisionSlot(): boolean;
  releaseDecisionSlot(): void;
  newCallId(): string;
  newLocalSession(address: string, allow: TrunkPeer["codecs"]): LocalSession;
  /** Creates and registers an inbound call (status `ringing`) from `origin`. */
  register(
    callId: string,
    invite: InboundInvite,
    origin: Pick<CallSetup, "peer" | "trunk">,
    local: LocalSession,
    media: CallMedia,
  ): Call;
}

/** The trunk host's flow: the base plus its peers (sip.md §3), RTP ports and advertised address. */
export interface InboundContext extends InboundBase {
  readonly peers: readonly TrunkPeer[];
  readonly media: MediaPort;
  readonly advertise: AdvertiseOptions;
}

/** For an INVITE answered at once: its CANCEL or ACK changes nothing. */
export const NO_INPUTS: InviteInputs = { cancelled() {}, acked() {}, ackTimeout() {} };

/**
 * The early 488 check answers the offer before any RTP port is bound (so a hopeless offer costs
 * no port); only whether an answer exists matters, so the port is the discard port 9, the usual
 * SDP placeholder.
 */
const PROBE_PORT = 9;

export function receiveInvite(ctx: InboundContext, invite: InboundInvite): InviteInputs {
  // sip.md §5: shutting down → 503.
  if (ctx.shuttingDown()) return refuse(invite, CALL_ERRORS.shutting_down.sipStatus);
  const admission = admitInvite(
    ctx.peers,
    invite.source.address,
    invite.authorization,
    ctx.digest,
    ctx.now(),
  );
  if (admission.kind === "challenge") {
    invite.reject(401, admission.wwwAuthenticate);
    return NO_INPUTS;
  }
  if (admission.kind === "forbidden") return refuse(invite, 403);
  const peer = admission.peer;

  let offer: SessionDescription | undefined;
  if (invite.sdp !== undefined) {
    const parsed = parseSdp(invite.sdp);
    // sip.md §4/§5: nothing usable in the offer → 488, and no webhook is sent.
    if (!parsed.ok) return refuse(invite, 488);
    const probe = answerOffer(parsed.value, {
      address: advertisedAddress(peer, invite.source.address, ctx.advertise),
      port: PROBE_PORT,
      origin: { sessionId: "0", sessionVersion: "0" },
      allow: peer.codecs,
      srtpKey: "probe",
    });
    if (!probe.ok) return refuse(invite, 488);
    offer = parsed.value;
  }
  // webhooks.md §2: at most 256 calls await a decision; the next INVITE gets 503.
  if (!ctx.reserveDecisionSlot()) return refuse(invite, CALL_ERRORS.overloaded.sipStatus);

  const flow = new InboundFlow(ctx, invite, peer, offer);
  flow.run().catch((error: unknown) => flow.fail(error));
  return flow.inputs();
}

function refuse(invite: InboundInvite, status: number): InviteInputs {
  invite.reject(status);
  return NO_INPUTS;
}

class InboundFlow {
  private cancelled = false;
  private call: Call | undefined;
  /** Our offer in the 200 OK of a delayed-offer INVITE; the ACK carries the answer (sip.md §5). */
  private delayedOffer: SessionDescription | undefined;
  private slotHeld = true;

  constructor(
    private readonly ctx: InboundContext,
    private readonly invite: InboundInvite,
    private readonly peer: TrunkPeer,
    private readonly offer: SessionDescription | undefined,
  ) {}

  inputs(): InviteInputs {
    return {
      cancelled: () => this.onCancel(),
      acked: (sdp) => this.onAck(sdp),
      // sip.md §5: no ACK within 32 s → BYE, reason `error`.
      ackTimeout: () => this.call?.hangUp("error"),
    };
  }

  async run(): Promise<void> {
    const callId = this.ctx.newCallId();
    const media = await this.ctx.media.allocate(callId);
    if (this.cancelled) {
      // Cancelled before the call was announced: nothing to report.
      media?.close();
      this.releaseSlot();
      return;
    }
    if (media === undefined || this.ctx.shuttingDown()) {
      media?.close();
      this.releaseSlot();
      // sip.md §5: no free RTP port / shutting down.
      this.invite.reject(CALL_ERRORS[media === undefined ? "no_rtp_port" : "shutting_down"].sipStatus);
      return;
    }
    const address = advertisedAddress(this.peer, this.invite.source.address, this.ctx.advertise);
    const local = this.ctx.newLocalSession(address, this.peer.codecs);
    const call = this.ctx.register(callId, this.invite, { peer: this.peer.name }, local, media);
    this.call = call;
    this.invite.ring(); // sip.md §5: 180 while the app decides (no early media).
    let decision: IncomingDecision;
    try {
      decision = await this.ctx.decisions.decide({
        callId,
        from: this.invite.fromUser,
        to: this.invite.toUser,
        peer: this.peer.name,
      });
    } finally {
      this.releaseSlot();
    }
    // sip.md §6: a CANCEL (or DELETE, or shutdown) already ended the call; a late decision is ignored.
    if (call.ended || call.state.status !== "ringing") return;
    this.decide(call, decision);
  }

  private decide(call: Call, decision: IncomingDecision): void {
    call.invite = undefined;
    if (decision.action === "reject") {
      this.invite.reject(decision.sipCode);
      call.finish("rejected", decision.sipCode);
      return;
    }
    if (decision.action === "error") {
      // webhooks.md §2: the app could not decide → 503, reason `error`.
      this.invite.reject(503);
      call.finish("error", 503);
      return;
    }
    call.stream = decision.stream;
    call.customParameters = decision.customParameters;
    if (decision.webhookUrl !== undefined) call.webhookUrl = decision.webhookUrl;
    const sdp = this.localDescription(call);
    if (sdp === undefined) {
      this.invite.reject(488);
      call.finish("error", 488);
      return;
    }
    call.localSdp = sdp;
    const dialog = this.invite.accept(serializeSdp(sdp), call.dialogHandlers());
    if (dialog === undefined) {
      // The INVITE is no longer pending: a CANCEL crossed the decision (the stack sent 487).
      call.finish("cancelled", 487);
      return;
    }
    call.dialog = dialog;
    // webhooks.md §3: inbound call.answered comes after the 200 OK was sent.
    call.apply({ kind: "answered" });
  }

  /** Our answer (media starts now) or, for a delayed offer, our offer (media starts on ACK). */
  private localDescription(call: Call): SessionDescription | undefined {
    const local = call.local;
    const base = {
      address: local.address,
      port: call.media.localPort,
      origin: local.origin,
      allow: local.allow,
    };
    if (this.offer === undefined) {
      this.delayedOffer = buildOffer(base);
      return this.delayedOffer;
    }
    const answer = answerOffer(this.offer, { ...base, srtpKey: local.srtpKey });
    if (!answer.ok) return undefined;
    call.media.start(answer.value.media);
    return answer.value.sdp;
  }

  /**
   * An unexpected exception (a bug, DESIGN.md rule 2): logged, then 503 while the INVITE still
   * awaits its final response (RFC 3261 §13.3.1: a UAS must answer it), reason `error`
   * (webhooks.md §3) for a call already announced.
   */
  fail(error: unknown): void {
    this.releaseSlot();
    const call = this.call;
    this.ctx.logger.error("inbound call flow threw", {
      ...(call !== undefined ? { call_id: call.id } : {}),
      error: String(error),
    });
    if (call === undefined) {
      // Before the call existed nothing was answered yet, unless a CANCEL got its 487.
      if (!this.cancelled) this.invite.reject(503);
      return;
    }
    if (call.ended) return;
    if (call.state.status === "ringing") this.invite.reject(503);
    call.hangUp("error");
  }

  private onCancel(): void {
    this.cancelled = true;
    const call = this.call;
    // sip.md §6: the stack answered 200 to the CANCEL and 487 to the INVITE.
    if (call !== undefined && call.state.status === "ringing") call.finish("cancelled", 487);
  }

  private onAck(sdp: string | undefined): void {
    const call = this.call;
    const offer = this.delayedOffer;
    if (call === undefined || call.ended || offer === undefined) return;
    this.delayedOffer = undefined;
    // sip.md §5: the answer to our offer is read from the ACK.
    const media = call.readAnswer(sdp, offer);
    if (media === undefined) {
      call.hangUp("error");
      return;
    }
    call.media.start(media);
  }

  private releaseSlot(): void {
    if (!this.slotHeld) return;
    this.slotHeld = false;
    this.ctx.releaseDecisionSlot();
  }
}
