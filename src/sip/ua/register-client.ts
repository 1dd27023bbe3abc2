/**
 * The REGISTER client of one trunk as a pure state machine (RFC 3261 §10.2; sip.md §2):
 * (state, input) → (state, actions); time enters only as timer inputs. The stack runs each
 * REGISTER in a non-INVITE client transaction (Timer E/F), adds the top Via, and feeds back
 * final responses or a timeout.
 *
 *   idle ─start─▶ registering ─2xx─▶ registered ─refresh timer (50 % of expiry)─▶ registering
 *                   │  401/407 → re-send once with credentials (same nonce twice = failure)
 *                   │  423 → re-send at once with Min-Expires
 *                   └─ failure/timeout ─▶ backoff (1 s, 2 s, 4 s … 60 s, forever) ─▶ registering
 *   any ─stop─▶ unregistering (Expires: 0, only if a binding may exist) ─final─▶ stopped
 */
import type { Random } from "../../lib/random.ts";
import type { DigestCredentials } from "../auth/index.ts";
import {
  createRequest,
  getCSeq,
  getHeader,
  getHeaders,
  parseNameAddr,
  type SipRequest,
  type SipResponse,
  type SipUri,
} from "../message/index.ts";
import { authenticatedRetry } from "./auth-retry.ts";

export const DEFAULT_REGISTER_EXPIRES = 60;
const REGISTER_BACKOFF_START_MS = 1000;
const REGISTER_BACKOFF_MAX_MS = 60_000;
/**
 * Challenges answered in a row before an attempt fails. Each must bring a new nonce or
 * `stale=true` (RFC 7616 §3.3), so this only bounds a registrar that keeps issuing fresh
 * nonces without ever accepting one.
 */
const MAX_CHALLENGES = 3;

export interface RegisterConfig {
  /** Request-URI: the registrar, e.g. `sip:pbx.example.com` (RFC 3261 §10.2: no user part). */
  registrar: string;
  /** Address of record, e.g. `sip:alice@pbx.example.com`: From and To (§10.2). */
  aor: string;
  /** Our Contact URI, e.g. `sip:alice@192.0.2.10:5060;transport=udp`. */
  contact: string;
  credentials?: DigestCredentials;
  /** Requested lifetime in seconds (sip.md §2: 60). */
  expires?: number;
  callId: string;
  fromTag: string;
  random: Random;
}

export type RegisterPhase = "idle" | "registering" | "registered" | "backoff" | "unregistering" | "stopped";

export interface RegisterState {
  readonly config: RegisterConfig;
  phase: RegisterPhase;
  /** CSeq of the last REGISTER sent (§10.2: incremented by one for each new REGISTER, same Call-ID). */
  cseq: number;
  /** Lifetime we ask for now (raised by 423 Min-Expires). */
  requestedExpires: number;
  /** Consecutive failed attempts (drives the backoff). */
  failures: number;
  /** The REGISTER awaiting its final response. */
  pending?: SipRequest;
  /** Nonce answered by `pending`, to detect a repeated challenge. */
  answeredNonce?: string;
  challenges: number;
  /**
   * The attempt in flight already answered a 423 (§10.2.8). A second 423 fails the attempt
   * instead, so a registrar raising Min-Expires on every answer cannot drive a REGISTER loop.
   */
  raisedToMinExpires: boolean;
  /** True once a 2xx was received: a binding may exist that stop must remove. */
  bound: boolean;
}

export type RegisterTimer = "refresh" | "retry";

export type RegisterInput =
  | { kind: "start" }
  | { kind: "response"; response: SipResponse }
  /** The client transaction timed out (Timer F) or the transport failed. */
  | { kind: "timeout" }
  | { kind: "timer"; timer: RegisterTimer }
  | { kind: "stop" };

export type RegisterAction =
  | { kind: "send"; request: SipRequest }
  | { kind: "start-timer"; timer: RegisterTimer; delayMs: number }
  | { kind: "cancel-timers" }
  | { kind: "registered"; expires: number }
  /** Registration lost or failed (sip.md §2: outbound calls get 503 meanwhile). */
  | { kind: "unregistered"; reason: string; status?: number; retryInMs: number }
  | { kind: "stopped" };

export interface RegisterStep {
  state: RegisterState;
  actions: RegisterAction[];
}

export function initialRegisterState(config: RegisterConfig): RegisterState {
  return {
    config,
    phase: "idle",
    cseq: 0,
    requestedExpires: config.expires ?? DEFAULT_REGISTER_EXPIRES,
    failures: 0,
    challenges: 0,
    raisedToMinExpires: false,
    bound: false,
  };
}

/** sip.md §2: 1 s, 2 s, 4 s … capped at 60 s. */
export function backoffDelay(failures: number): number {
  return Math.min(REGISTER_BACKOFF_MAX_MS, REGISTER_BACKOFF_START_MS * 2 ** Math.min(failures, 16));
}

/**
 * The longest timer delay a host can honour: JS timers hold a signed 32-bit millisecond count
 * and fire at once beyond it, so a registrar granting more than ~49 days (Expires allows up to
 * 2^32-1 s, RFC 3261 §20.19) would otherwise turn the refresh into a REGISTER storm.
 */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** sip.md §2: refresh at 50 % of the granted lifetime. */
function refreshDelay(expires: number): number {
  return Math.min(expires * 500, MAX_TIMER_DELAY_MS);
}

function registerRequest(state: RegisterState, expires: number): SipRequest {
  const c = state.config;
  return createRequest({
    method: "REGISTER",
    uri: c.registrar,
    headers: [
      { name: "From", value: `<${c.aor}>;tag=${c.fromTag}` },
      { name: "To", value: `<${c.aor}>` },
      { name: "Call-ID", value: c.callId },
      { name: "CSeq", value: `${state.cseq} REGISTER` },
      { name: "Contact", value: `<${c.contact}>` },
      { name: "Expires", value: String(expires) },
    ],
  });
}

function sendNew(
  state: RegisterState,
  phase: "registering" | "unregistering",
  raisedToMinExpires = false,
): RegisterStep {
  const next: RegisterState = { ...state, phase, cseq: state.cseq + 1, challenges: 0, raisedToMinExpires };
  delete next.answeredNonce;
  const request = registerRequest(next, phase === "unregistering" ? 0 : next.requestedExpires);
  next.pending = request;
  return { state: next, actions: [{ kind: "send", request }] };
}

function fail(state: RegisterState, reason: string, status?: number): RegisterStep {
  const retryInMs = backoffDelay(state.failures);
  const next: RegisterState = { ...state, phase: "backoff", failures: state.failures + 1, bound: false };
  delete next.pending;
  const lost: RegisterAction =
    status === undefined
      ? { kind: "unregistered", reason, retryInMs }
      : { kind: "unregistered", reason, status, retryInMs };
  return { state: next, actions: [lost, { kind: "start-timer", timer: "retry", delayMs: retryInMs }] };
}

function stopped(state: RegisterState): RegisterStep {
  const next: RegisterState = { ...state, phase: "stopped" };
  delete next.pending;
  return { state: next, actions: [{ kind: "cancel-timers" }, { kind: "stopped" }] };
}

function sameUri(a: SipUri, b: SipUri): boolean {
  return (
    a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase() && (a.port ?? 0) === (b.port ?? 0)
  );
}

/** Granted lifetime (RFC 3261 §10.2.4; sip.md §2): our Contact's `expires`, else Expires, else requested. */
function grantedExpires(response: SipResponse, contact: string, requested: number): number {
  const ours = parseNameAddr(`<${contact}>`);
  if (ours.ok) {
    for (const value of getHeaders(response, "Contact")) {
      const c = parseNameAddr(value);
      if (!c.ok || !sameUri(c.value.uri, ours.value.uri)) continue;
      const e = c.value.params.get("expires");
      if (e !== undefined && e !== null && /^\d{1,10}$/.test(e)) return Number(e);
    }
  }
  const header = getHeader(response, "Expires");
  if (header !== undefined && /^\s*\d{1,10}\s*$/.test(header)) return Number(header.trim());
  return requested;
}

function onResponse(state: RegisterState, response: SipResponse): RegisterStep {
  const pending = state.pending;
  if (pending === undefined || response.status < 200) return { state, actions: [] };
  const cseq = getCSeq(response);
  if (cseq === undefined || cseq.method !== "REGISTER" || cseq.seq !== state.cseq)
    return { state, actions: [] };
  const unregistering = state.phase === "unregistering";

  if ((response.status === 401 || response.status === 407) && state.config.credentials !== undefined) {
    const retry =
      state.challenges < MAX_CHALLENGES
        ? authenticatedRetry(
            pending,
            response,
            state.config.credentials,
            state.config.random,
            state.answeredNonce,
          )
        : ({ ok: false, reason: "too many challenges" } as const);
    if (retry.ok) {
      const next: RegisterState = {
        ...state,
        cseq: state.cseq + 1,
        pending: retry.request,
        answeredNonce: retry.challenge.nonce,
        challenges: state.challenges + 1,
      };
      return { state: next, actions: [{ kind: "send", request: retry.request }] };
    }
    return unregistering ? stopped(state) : fail(state, retry.reason, response.status);
  }
  if (unregistering) return stopped(state);

  if (response.status >= 200 && response.status < 300) {
    const expires = grantedExpires(response, state.config.contact, state.requestedExpires);
    if (expires <= 0) return fail(state, "registrar granted no lifetime", response.status);
    const next: RegisterState = { ...state, phase: "registered", failures: 0, bound: true };
    delete next.pending;
    return {
      state: next,
      actions: [
        { kind: "registered", expires },
        { kind: "start-timer", timer: "refresh", delayMs: refreshDelay(expires) },
      ],
    };
  }
  if (response.status === 423) {
    // RFC 3261 §10.2.8: retry with at least Min-Expires (once per attempt, see raisedToMinExpires).
    if (state.raisedToMinExpires) return fail(state, "423 again after raising to Min-Expires", 423);
    const min = Number(getHeader(response, "Min-Expires")?.trim());
    if (Number.isInteger(min) && min > state.requestedExpires && min <= 0xffffffff) {
      return sendNew({ ...state, requestedExpires: min }, "registering", true);
    }
    return fail(state, "423 without a usable Min-Expires", 423);
  }
  return fail(state, `${response.status} ${response.reason}`, response.status);
}

export function registerStep(state: RegisterState, input: RegisterInput): RegisterStep {
  if (state.phase === "stopped") return { state, actions: [] };
  switch (input.kind) {
    case "start":
      return state.phase === "idle" ? sendNew(state, "registering") : { state, actions: [] };
    case "response":
      return onResponse(state, input.response);
    case "timeout":
      if (state.pending === undefined) return { state, actions: [] };
      return state.phase === "unregistering" ? stopped(state) : fail(state, "no response");
    case "timer":
      if (input.timer === "refresh" && state.phase === "registered") return sendNew(state, "registering");
      if (input.timer === "retry" && state.phase === "backoff") return sendNew(state, "registering");
      return { state, actions: [] };
    case "stop": {
      // Shutdown (sip.md §2): REGISTER with Expires: 0 when a binding may exist.
      if (state.bound || state.phase === "registering") {
        const step = sendNew(state, "unregistering");
        return { state: step.state, actions: [{ kind: "cancel-timers" }, ...step.actions] };
      }
      return stopped(state);
    }
  }
}
