/**
 * The ports of the call layer (DESIGN.md "Layers": `call` talks to SIP, media, the app's
 * `/incoming` decision and the event consumers only through interfaces it owns, so tests pass
 * fakes and the composition root bridges them to the running SipStack, the media service and
 * the webhook dispatcher). Plain data in, plain data out: SIP messages never cross these ports,
 * the root's adapter extracts the few facts the policy needs (source IP, From/To users,
 * Authorization, SDP body).
 *
 * Direction of calls: the root *calls into* the manager with inputs (an INVITE arrived, its
 * CANCEL/ACK, a remote BYE or re-INVITE), and the manager *calls out* through these ports
 * (ring, accept, reject, BYE, dial, allocate media, ask the app, emit events).
 */
import type { Direction, NegotiatedMedia } from "../sdp/index.ts";
import type { CallEvent, IncomingCallRequest, IncomingDecision } from "./events.ts";

/** An IP endpoint; `address` is a bare IP literal (IPv6 without brackets). */
export interface SignallingAddress {
  readonly address: string;
  readonly port: number;
}

/**
 * One out-of-dialog INVITE received by the trunk host (adapter over the stack's IncomingCall).
 * The stack has already answered `100 Trying` (sip.md §5 "received").
 */
export interface InboundInvite {
  /** Where the INVITE came from (sip.md §3 step 1 matches this address). */
  readonly source: SignallingAddress;
  /** User part of SIP From (whole URI when it has no user part; rest-api.md §2). */
  readonly fromUser: string;
  /** User part of SIP To. */
  readonly toUser: string;
  /** The `Authorization` header value, when present (sip.md §3 step 2). */
  readonly authorization?: string;
  /** The `application/sdp` body; absent for a delayed offer (sip.md §5). */
  readonly sdp?: string;
  /** `180 Ringing` (sip.md §5 "waiting for the app"). */
  ring(): void;
  /** A final non-2xx response with its standard phrase; `wwwAuthenticate` for a 401 (sip.md §3 step 3). */
  reject(status: number, wwwAuthenticate?: string): void;
  /**
   * `200 OK` with `sdp` (retransmitted by the stack until ACK). `handlers` receive the dialog's
   * later requests; the returned dialog sends ours. Undefined when the INVITE is no longer
   * pending (a CANCEL crossed the decision).
   */
  accept(sdp: string, handlers: DialogHandlers): CallDialog | undefined;
}

/**
 * What the root forwards for an accepted or pending inbound INVITE (returned by
 * `CallManager.handleInvite`). The stack has already answered the CANCEL `200 OK` and the
 * INVITE `487` (sip.md §6).
 */
export interface InviteInputs {
  cancelled(): void;
  /** The ACK for our 2xx; its SDP answers our offer when the INVITE had none (sip.md §5). */
  acked(sdp: string | undefined): void;
  /** No ACK within 64*T1 = 32 s (sip.md §5): the call layer sends BYE, reason `error`. */
  ackTimeout(): void;
}

/** The answer to a remote re-INVITE (sip.md §7): 200 with our SDP, or a refusal. */
export type ReInviteAnswer =
  | { readonly status: 200; readonly sdp: string }
  | { readonly status: 488 | 491 | 500; readonly reason: string };

/** Requests the remote side sends inside a confirmed dialog, routed by the stack. */
export interface DialogHandlers {
  /** Remote BYE; the adapter answers `200 OK` (sip.md §6). */
  bye(): void;
  /** Remote re-INVITE (sip.md §7); the adapter sends the returned final response. */
  reInvite(offer: string | undefined): ReInviteAnswer;
  /**
   * A digit from a remote INFO (`application/dtmf-relay` or `application/dtmf`, sip.md §9); the
   * adapter parses the body, answers `200 OK` to every INFO and calls this only for DTMF.
   */
  dtmf?(digit: string): void;
  /**
   * What a NOTIFY of the `refer` package says (sip.md §8 step 3, RFC 3515 §2.4.4); the adapter
   * answers `200 OK` and reads the sipfrag and `Subscription-State` for us.
   */
  referNotify?(progress: TransferProgress): void;
}

/** One NOTIFY's meaning: 1xx / nothing yet, the target answered 2xx, or it failed (code when one was given). */
export type TransferProgress =
  | { readonly kind: "pending" }
  | { readonly kind: "succeeded"; readonly code: number }
  | { readonly kind: "failed"; readonly code?: number };

/**
 * The final response to a request we sent in the dialog: its status (and SDP for a re-INVITE
 * 2xx), or undefined when none came (Timer B/F, transport error: REST 504).
 */
export type DialogOutcome = { readonly status: number; readonly sdp?: string } | undefined;

/** A confirmed dialog (adapter over the stack's SipDialog). */
export interface CallDialog {
  /** BYE on the dialog; the call ends locally without waiting for the 200 (sip.md §6). */
  bye(): void;
  /** Where the peer's signalling comes from: the Refer-To domain of a trunk-host call (sip.md §8 step 1). */
  readonly remote?: SignallingAddress;
  /** A re-INVITE carrying `sdp` (sip.md §7 hold/resume). */
  reinvite?(sdp: string): Promise<DialogOutcome>;
  /** INFO `application/dtmf-relay` `Signal=<digit>`, `Duration=100` (sip.md §9 send without telephone-event). */
  sendDtmfInfo?(digit: string): Promise<DialogOutcome>;
  /** REFER with `Refer-To: <referTo>`; the adapter adds `Referred-By` = our identity (sip.md §8 step 2). */
  refer?(referTo: string): Promise<DialogOutcome>;
}

/** An INVITE to send to a trunk-host peer (sip.md §4 "Dialing a peer"). */
export interface OutboundInviteRequest {
  readonly callId: string;
  readonly target: SignallingAddress;
  /** Request-URI and To: `sip:<to>@<host>:<port>`. */
  readonly requestUri: string;
  readonly toUri: string;
  /** From: `sip:<from>@<our address>`. */
  readonly fromUri: string;
  /** Our SDP offer. */
  readonly sdp: string;
}

/** Responses to an INVITE we sent, fed back by the adapter over the stack's OutgoingCall. */
export interface OutboundHandlers {
  /** 180 or 183 (sip.md §10: 183 only counts as ringing, no early media). */
  provisional(status: number): void;
  /** 2xx: the stack ACKed it; `sdp` is the answer. */
  answered(sdp: string | undefined, dialog: CallDialog): void;
  /** A final response ≥ 300, or no response at all (`status` undefined: could not be sent, Timer B). */
  failed(status: number | undefined): void;
}

/** Sends INVITEs to peers; CANCEL and the 200-after-CANCEL ACK+BYE are the stack's (sip.md §6). */
export interface Dialer {
  /** Undefined when the INVITE could not be sent (the trunk host is not listening). */
  invite(
    request: OutboundInviteRequest,
    handlers: OutboundHandlers,
    dialog: DialogHandlers,
  ): OutboundInvite | undefined;
}

export interface OutboundInvite {
  /** CANCEL now, or as soon as a provisional arrives (RFC 3261 §9.1). */
  cancel(): void;
}

/** Outbound audio pulled once per 20 ms tick: fills 160 samples, false → silence (media/types.ts `FrameSource`). */
export interface FrameSourceLike {
  pull(out: Int16Array): boolean;
}

/** The media session of one call (adapter over media/types.ts `MediaSession`). */
export interface CallMedia {
  /** The RTP port actually bound (sip.md §10 "Ports"); RTCP is port + 1. */
  readonly localPort: number;
  /** Starts RTP with the negotiated parameters. */
  start(media: NegotiatedMedia): void;
  /** re-INVITE: codec, address or keys changed (sip.md §7). */
  update(media: NegotiatedMedia): void;
  /** Our SDP direction; the media timeout runs only in `sendrecv` (sip.md §7). */
  setDirection(direction: Direction): void;
  /** 30 s without RTP while not on hold (sip.md §10 "Media timeout"); fires at most once. */
  onTimeout(fn: () => void): void;
  /** Each RFC 4733 digit received (sip.md §9), once per event. */
  onDtmf(fn: (digit: string) => void): void;
  /** Outbound audio of the call (websocket.md §6); undefined → silence. */
  setFrameSource(source: FrameSourceLike | undefined): void;
  /** Each decoded 20 ms inbound frame (reused buffer); undefined → not decoded for anyone. */
  setFrameSink(sink: ((frame: Int16Array) => void) | undefined): void;
  /** Stops RTP and releases the ports. Idempotent. */
  close(): void;
  /** Frames are still pulled but silence is sent (rest-api.md §3 mute; websocket.md §6). */
  setMuted?(muted: boolean): void;
  /** RFC 4733 events for `digits`; false when telephone-event was not negotiated (sip.md §9). */
  sendDtmf?(digits: string): boolean;
}

export interface MediaPort {
  /** Binds an RTP/RTCP pair for `callId`; undefined when no port is free (→ 503). */
  allocate(callId: string): Promise<CallMedia | undefined>;
}

/** The app's `/incoming` decision (webhook/incoming-client.ts fits as is). Never rejects. */
export interface DecisionPort {
  decide(request: IncomingCallRequest): Promise<IncomingDecision>;
}

/** Receives every CallEvent in the order it happened (webhook dispatcher, metrics, stream). */
export type EventSink = (event: CallEvent) => void;

/**
 * Digest authentication for the trunk host (sip.md §3 steps 2–3), implemented by the root with
 * `sip/auth` (NonceStore + verifyAuthorization + buildChallenge): the call layer may not import
 * `sip/auth` (test/arch.test.ts) but owns the policy of when to challenge and what to answer.
 */
export interface DigestPort {
  /** A `WWW-Authenticate` value with a fresh 128-bit nonce; `stale=true` when asked. */
  challenge(now: number, stale: boolean): string;
  verify(
    authorization: string,
    method: string,
    now: number,
    passwordFor: (username: string) => string | undefined,
  ): DigestVerdict;
}

export type DigestVerdict =
  | { readonly verdict: "ok"; readonly username: string }
  | { readonly verdict: "stale" }
  | { readonly verdict: "forbidden"; readonly reason: string };
