/**
 * UAC side of one INVITE (RFC 3261 §13.2; sip.md §2, §4, §6) as a pure machine. The stack runs
 * each INVITE/CANCEL in a client transaction (Timer A/B, ACK for non-2xx) and feeds back the
 * responses; this machine decides what the UA core does with them.
 *
 *   calling ─1xx─▶ proceeding ─2xx─▶ established (ACK via the dialog, §13.2.2.4; a
 *      │              │               retransmitted 2xx is ACKed again)
 *      │              └─cancel─▶ CANCEL (only after a provisional, §9.1)
 *      ├─401/407 → INVITE again with credentials, once (§22.2)
 *      ├─3xx → INVITE to the first Contact, at most 3 hops (sip.md §2)
 *      └─≥300 / timeout ─▶ failed (487 after our CANCEL ─▶ cancelled)
 *   A 2xx that races our CANCEL is ACKed and immediately followed by BYE (sip.md §6).
 */
import type { Random } from "../../lib/random.ts";
import type { DigestCredentials } from "../auth/index.ts";
import { ackFor2xx, createInDialogRequest, createUacDialog, type Dialog } from "../dialog/index.ts";
import {
  getCSeq,
  getNameAddr,
  getTag,
  removeHeader,
  type SipRequest,
  type SipResponse,
  serializeUri,
  setHeader,
} from "../message/index.ts";
import { authenticatedRetry } from "./auth-retry.ts";
import { cancelFor } from "./cancel-request.ts";

const MAX_REDIRECTS = 3;

export type UacInvitePhase = "calling" | "proceeding" | "established" | "failed" | "cancelled" | "terminated";

export interface UacInviteOptions {
  credentials?: DigestCredentials;
  /** Follow 3xx (trunk calls do, sip.md §2; calls to trunk-host peers do not, §4). */
  followRedirects?: boolean;
  random: Random;
}

export interface UacInviteState {
  readonly options: UacInviteOptions;
  /** The INVITE as last sent, with the Via the stack added (needed for CANCEL, §9.1). */
  invite: SipRequest;
  phase: UacInvitePhase;
  cancelRequested: boolean;
  cancelSent: boolean;
  challenged: boolean;
  redirects: number;
  dialog?: Dialog;
  ack?: SipRequest;
}

export type UacInviteInput =
  /** The stack sent (a new) INVITE; `request` carries its Via. */
  | { kind: "sent"; request: SipRequest }
  | { kind: "response"; response: SipResponse }
  | { kind: "cancel" }
  /** Timer B fired or the transport failed. */
  | { kind: "timeout" };

export type UacInviteAction =
  | { kind: "send-invite"; request: SipRequest }
  | { kind: "send-cancel"; request: SipRequest }
  | { kind: "send-ack"; request: SipRequest }
  | { kind: "send-bye"; request: SipRequest }
  | { kind: "provisional"; response: SipResponse }
  | { kind: "answered"; response: SipResponse; dialog: Dialog }
  | { kind: "failed"; status: number; reason: string; response?: SipResponse }
  | { kind: "cancelled" };

export interface UacInviteStep {
  state: UacInviteState;
  actions: UacInviteAction[];
}

/** Starts with the INVITE as the stack sent it. */
export function startUacInvite(invite: SipRequest, options: UacInviteOptions): UacInviteState {
  return {
    options,
    invite,
    phase: "calling",
    cancelRequested: false,
    cancelSent: false,
    challenged: false,
    redirects: 0,
  };
}

function finished(phase: UacInvitePhase): boolean {
  return phase === "failed" || phase === "cancelled" || phase === "terminated";
}

function onProvisional(state: UacInviteState, response: SipResponse): UacInviteStep {
  if (state.phase !== "calling" && state.phase !== "proceeding") return { state, actions: [] };
  const next: UacInviteState = { ...state, phase: "proceeding" };
  const actions: UacInviteAction[] = [];
  if (response.status > 100) actions.push({ kind: "provisional", response });
  // §9.1: a CANCEL asked for before any provisional goes out now.
  if (state.cancelRequested && !state.cancelSent) {
    next.cancelSent = true;
    actions.push({ kind: "send-cancel", request: cancelFor(state.invite) });
  }
  return { state: next, actions };
}

function onSuccess(state: UacInviteState, response: SipResponse): UacInviteStep {
  if (state.phase === "established" || state.phase === "terminated") {
    // §13.2.2.4: every retransmission of the 2xx is ACKed again (same dialog only).
    if (state.ack !== undefined && getTag(response, "to") === state.dialog?.remoteTag) {
      return { state, actions: [{ kind: "send-ack", request: state.ack }] };
    }
    return { state, actions: [] };
  }
  if (finished(state.phase)) return { state, actions: [] };
  const created = createUacDialog(state.invite, response);
  if (!created.ok) {
    return {
      state: { ...state, phase: "failed" },
      actions: [{ kind: "failed", status: 502, reason: created.error, response }],
    };
  }
  const dialog = created.value;
  const ack = ackFor2xx(dialog, state.invite, {});
  if (state.cancelRequested) {
    const bye = createInDialogRequest(dialog, "BYE", { random: state.options.random });
    return {
      state: { ...state, phase: "terminated", dialog: bye.dialog, ack },
      actions: [
        { kind: "send-ack", request: ack },
        { kind: "send-bye", request: bye.request },
        { kind: "cancelled" },
      ],
    };
  }
  return {
    state: { ...state, phase: "established", dialog, ack },
    actions: [
      { kind: "send-ack", request: ack },
      { kind: "answered", response, dialog },
    ],
  };
}

function redirected(state: UacInviteState, response: SipResponse): UacInviteStep | undefined {
  if (!state.options.followRedirects || state.redirects >= MAX_REDIRECTS || state.cancelRequested)
    return undefined;
  const contact = getNameAddr(response, "Contact");
  const cseq = getCSeq(state.invite);
  if (contact === undefined || cseq === undefined) return undefined;
  // §8.1.3.4: a new request to the Contact, same Call-ID/From/To, next CSeq, new branch.
  let request = removeHeader(state.invite, "Via");
  request = setHeader({ ...request, uri: serializeUri(contact.uri) }, "CSeq", `${cseq.seq + 1} INVITE`);
  return {
    state: { ...state, phase: "calling", redirects: state.redirects + 1 },
    actions: [{ kind: "send-invite", request }],
  };
}

function onFailure(state: UacInviteState, response: SipResponse): UacInviteStep {
  if (finished(state.phase) || state.phase === "established") return { state, actions: [] };
  const creds = state.options.credentials;
  if (
    (response.status === 401 || response.status === 407) &&
    creds !== undefined &&
    !state.challenged &&
    !state.cancelRequested
  ) {
    const retry = authenticatedRetry(state.invite, response, creds, state.options.random);
    if (retry.ok) {
      return {
        state: { ...state, phase: "calling", challenged: true },
        actions: [{ kind: "send-invite", request: retry.request }],
      };
    }
  }
  if (response.status >= 300 && response.status < 400) {
    const step = redirected(state, response);
    if (step !== undefined) return step;
  }
  // A final failure after the user cancelled (487 to our CANCEL, or a rejection that crossed it).
  if (state.cancelRequested) {
    return { state: { ...state, phase: "cancelled" }, actions: [{ kind: "cancelled" }] };
  }
  return {
    state: { ...state, phase: "failed" },
    actions: [{ kind: "failed", status: response.status, reason: response.reason, response }],
  };
}

export function uacInviteStep(state: UacInviteState, input: UacInviteInput): UacInviteStep {
  switch (input.kind) {
    case "sent":
      return { state: { ...state, invite: input.request }, actions: [] };
    case "response": {
      const r = input.response;
      const cseq = getCSeq(r);
      const mine = getCSeq(state.invite);
      if (cseq === undefined || cseq.method !== "INVITE" || cseq.seq !== mine?.seq)
        return { state, actions: [] };
      if (r.status < 200) return onProvisional(state, r);
      if (r.status < 300) return onSuccess(state, r);
      return onFailure(state, r);
    }
    case "cancel": {
      if (state.phase === "calling") return { state: { ...state, cancelRequested: true }, actions: [] };
      if (state.phase === "proceeding" && !state.cancelSent) {
        return {
          state: { ...state, cancelRequested: true, cancelSent: true },
          actions: [{ kind: "send-cancel", request: cancelFor(state.invite) }],
        };
      }
      return { state, actions: [] };
    }
    case "timeout":
      if (finished(state.phase) || state.phase === "established") return { state, actions: [] };
      // §8.1.3.1: a transaction timeout is treated as a 408.
      return {
        state: { ...state, phase: "failed" },
        actions: [{ kind: "failed", status: 408, reason: "Request Timeout" }],
      };
  }
}
