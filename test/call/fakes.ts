/**
 * Fake ports for call-layer tests: a scripted INVITE, dialog, dialer, media and `/incoming`
 * decision whose promises the test resolves; digest goes through the root's own adapter over
 * the real `sip/auth` NonceStore.
 */
import { CallManager, type CallManagerOptions } from "../../src/call/call-manager.ts";
import type {
  CallEndedEvent,
  CallEvent,
  IncomingCallRequest,
  IncomingDecision,
} from "../../src/call/events.ts";
import type {
  CallDialog,
  CallMedia,
  DialogHandlers,
  DialogOutcome,
  FrameSourceLike,
  InboundInvite,
  OutboundHandlers,
  OutboundInvite,
  OutboundInviteRequest,
} from "../../src/call/ports.ts";
import type { TrunkPeer } from "../../src/call/trunk-host.ts";
import { createDigestPort } from "../../src/gateway/digest-bridge.ts";
import { parseCidr } from "../../src/lib/ip.ts";
import type { Direction, NegotiatedMedia } from "../../src/sdp/index.ts";
import { NonceStore } from "../../src/sip/auth/index.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { seededRandom } from "../support/seeded-random.ts";

export const OFFER_PCMU = [
  "v=0",
  "o=- 1 1 IN IP4 192.0.2.10",
  "s=-",
  "c=IN IP4 192.0.2.10",
  "t=0 0",
  "m=audio 40000 RTP/AVP 0 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=sendrecv",
  "",
].join("\r\n");

export function offerWith(changes: {
  direction?: Direction;
  port?: number;
  codec?: "PCMU" | "PCMA";
}): string {
  const pt = changes.codec === "PCMA" ? 8 : 0;
  return [
    "v=0",
    "o=- 1 2 IN IP4 192.0.2.10",
    "s=-",
    "c=IN IP4 192.0.2.10",
    "t=0 0",
    `m=audio ${changes.port ?? 40000} RTP/AVP ${pt} 101`,
    `a=rtpmap:${pt} ${changes.codec ?? "PCMU"}/8000`,
    "a=rtpmap:101 telephone-event/8000",
    `a=${changes.direction ?? "sendrecv"}`,
    "",
  ].join("\r\n");
}

export const OFFER_G722_ONLY = OFFER_PCMU.replace(
  "m=audio 40000 RTP/AVP 0 101",
  "m=audio 40000 RTP/AVP 9 101",
).replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:9 G722/8000");

/** A request the call sent in the dialog, waiting for the test to answer it. */
export interface SentInDialog {
  readonly method: "INVITE" | "INFO" | "REFER";
  /** SDP, digit or Refer-To. */
  readonly payload: string;
  answer(outcome: DialogOutcome): void;
}

export class FakeDialog implements CallDialog {
  byes = 0;
  readonly remote = { address: "192.0.2.10", port: 5060 };
  readonly sent: SentInDialog[] = [];
  bye(): void {
    this.byes++;
  }
  reinvite(sdp: string): Promise<DialogOutcome> {
    return this.send("INVITE", sdp);
  }
  sendDtmfInfo(digit: string): Promise<DialogOutcome> {
    return this.send("INFO", digit);
  }
  refer(referTo: string): Promise<DialogOutcome> {
    return this.send("REFER", referTo);
  }
  private send(method: SentInDialog["method"], payload: string): Promise<DialogOutcome> {
    return new Promise((resolve) => this.sent.push({ method, payload, answer: resolve }));
  }
  get last(): SentInDialog {
    const r = this.sent.at(-1);
    if (r === undefined) throw new Error("nothing sent in the dialog");
    return r;
  }
}

export class FakeInvite implements InboundInvite {
  readonly responses: number[] = [];
  wwwAuthenticate: string | undefined;
  acceptedSdp: string | undefined;
  handlers: DialogHandlers | undefined;
  readonly dialog = new FakeDialog();
  /** When false, accept() behaves as if a CANCEL crossed the decision. */
  pending = true;
  readonly source: { address: string; port: number };
  readonly fromUser: string;
  readonly toUser: string;
  readonly authorization?: string;
  readonly sdp?: string;

  constructor(
    o: { source?: string; sdp?: string | null; authorization?: string; from?: string; to?: string } = {},
  ) {
    this.source = { address: o.source ?? "192.0.2.10", port: 5060 };
    this.fromUser = o.from ?? "1001";
    this.toUser = o.to ?? "+15551234567";
    if (o.authorization !== undefined) this.authorization = o.authorization;
    if (o.sdp !== null) this.sdp = o.sdp ?? OFFER_PCMU;
  }

  ring(): void {
    this.responses.push(180);
  }

  reject(status: number, wwwAuthenticate?: string): void {
    this.responses.push(status);
    this.wwwAuthenticate = wwwAuthenticate;
  }

  accept(sdp: string, handlers: DialogHandlers): CallDialog | undefined {
    if (!this.pending) return undefined;
    this.responses.push(200);
    this.acceptedSdp = sdp;
    this.handlers = handlers;
    return this.dialog;
  }

  get final(): number | undefined {
    return this.responses.find((s) => s >= 200);
  }
}

export class FakeMedia implements CallMedia {
  readonly localPort: number;
  started: NegotiatedMedia | undefined;
  updates: NegotiatedMedia[] = [];
  directions: Direction[] = [];
  closed = false;
  /** Each setMuted call, in order. */
  readonly muted: boolean[] = [];
  /** Whether telephone-event was negotiated (sendDtmf returns this). */
  telephoneEvent = true;
  readonly dtmfSent: string[] = [];
  source: FrameSourceLike | undefined;
  sink: ((frame: Int16Array) => void) | undefined;
  private timeout: (() => void) | undefined;
  private dtmf: ((digit: string) => void) | undefined;

  constructor(port: number) {
    this.localPort = port;
  }

  start(media: NegotiatedMedia): void {
    this.started = media;
  }

  update(media: NegotiatedMedia): void {
    this.updates.push(media);
  }

  setDirection(direction: Direction): void {
    this.directions.push(direction);
  }

  onTimeout(fn: () => void): void {
    this.timeout = fn;
  }

  fireTimeout(): void {
    this.timeout?.();
  }

  onDtmf(fn: (digit: string) => void): void {
    this.dtmf = fn;
  }

  fireDtmf(digit: string): void {
    this.dtmf?.(digit);
  }

  setFrameSource(source: FrameSourceLike | undefined): void {
    this.source = source;
  }

  setFrameSink(sink: ((frame: Int16Array) => void) | undefined): void {
    this.sink = sink;
  }

  close(): void {
    this.closed = true;
  }

  setMuted(muted: boolean): void {
    this.muted.push(muted);
  }

  sendDtmf(digits: string): boolean {
    if (!this.telephoneEvent) return false;
    this.dtmfSent.push(digits);
    return true;
  }
}

export class FakeMediaPort {
  readonly sessions: FakeMedia[] = [];
  available = true;
  private nextPort = 20000;

  async allocate(): Promise<CallMedia | undefined> {
    if (!this.available) return undefined;
    const m = new FakeMedia(this.nextPort);
    this.nextPort += 2;
    this.sessions.push(m);
    return m;
  }
}

interface Deferred<T> {
  resolve(v: T): void;
}

export class FakeDecisions {
  readonly requests: IncomingCallRequest[] = [];
  private readonly waiting: Deferred<IncomingDecision>[] = [];

  decide(request: IncomingCallRequest): Promise<IncomingDecision> {
    this.requests.push(request);
    return new Promise((resolve) => this.waiting.push({ resolve }));
  }

  /** Answers the oldest pending request. */
  answer(d: IncomingDecision): void {
    const w = this.waiting.shift();
    if (w === undefined) throw new Error("no pending decision");
    w.resolve(d);
  }
}

export const ACCEPT: IncomingDecision = { action: "accept", stream: true, customParameters: {} };

/** One INVITE the call layer sent (to a peer, or through a trunk with `R` = TrunkInviteRequest). */
export class FakeOutbound<R extends OutboundInviteRequest = OutboundInviteRequest> implements OutboundInvite {
  cancels = 0;
  constructor(
    readonly request: R,
    readonly handlers: OutboundHandlers,
    readonly dialog: DialogHandlers,
  ) {}
  cancel(): void {
    this.cancels++;
  }
}

/** Records each INVITE for the test to answer through its handlers; `refuse` → not sent. */
export class FakeDialer<R extends OutboundInviteRequest = OutboundInviteRequest> {
  readonly invites: FakeOutbound<R>[] = [];
  refuse = false;

  invite(request: R, handlers: OutboundHandlers, dialog: DialogHandlers): OutboundInvite | undefined {
    if (this.refuse) return undefined;
    const o = new FakeOutbound(request, handlers, dialog);
    this.invites.push(o);
    return o;
  }

  get last(): FakeOutbound<R> {
    const o = this.invites.at(-1);
    if (o === undefined) throw new Error("no INVITE sent");
    return o;
  }
}

export function cidr(text: string) {
  const c = parseCidr(text);
  if (typeof c === "string") throw new Error(c);
  return c;
}

export const OFFICE: TrunkPeer = {
  name: "office-pbx",
  host: "192.0.2.10",
  hosts: [],
  port: 5060,
  codecs: [],
};
export const BRANCH: TrunkPeer = {
  name: "branch",
  hosts: [cidr("198.51.100.0/24")],
  port: 5060,
  codecs: ["pcma"],
};
export const ROAMING: TrunkPeer = {
  name: "roaming",
  hosts: [],
  port: 5060,
  auth: { username: "alice", password: "s3cret" },
  codecs: [],
};

/** Lets pending promise continuations (media allocation, decisions) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export interface Harness {
  manager: CallManager;
  clock: ManualClock;
  events: CallEvent[];
  media: FakeMediaPort;
  decisions: FakeDecisions;
  dialer: FakeDialer;
  nonces: NonceStore;
}

export function harness(overrides: Partial<CallManagerOptions> = {}): Harness {
  const clock = new ManualClock();
  const random = seededRandom(7);
  const events: CallEvent[] = [];
  const media = new FakeMediaPort();
  const decisions = new FakeDecisions();
  const dialer = new FakeDialer();
  const nonces = new NonceStore({ random: seededRandom(99) });
  const manager = new CallManager({
    clock,
    timers: clock,
    random,
    media,
    decisions,
    events: (e) => events.push(e),
    digest: createDigestPort(nonces),
    peers: [OFFICE, BRANCH, ROAMING],
    advertise: { listenAddress: "203.0.113.5" },
    dialer,
    trunks: [],
    ...overrides,
  });
  return { manager, clock, events, media, decisions, dialer, nonces };
}

/** Event types of one call, in order. */
export function typesOf(events: readonly CallEvent[], callId?: string): string[] {
  return events.filter((e) => callId === undefined || e.callId === callId).map((e) => e.type);
}

/** The `call.ended` events among `events`, in order. */
export function endedEvents(events: readonly CallEvent[]): CallEndedEvent[] {
  return events.filter((e): e is CallEndedEvent => e.type === "call.ended");
}

/** An admitted inbound call awaiting `/incoming`: its INVITE, what the root feeds back, its id and RTP port. */
export async function ringingCall(h = harness(), invite = new FakeInvite()) {
  const inputs = h.manager.handleInvite(invite);
  await settle();
  const callId = h.decisions.requests.at(-1)?.callId ?? "";
  return { h, invite, inputs, callId, media: h.media.sessions.at(-1) };
}
