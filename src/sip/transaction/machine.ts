/**
 * One tagged union over the four §17 machines, so the transaction layer can hold and step any
 * of them through one function. Pure; picks the machine by the request method and side
 * (§17: INVITE has its own client and server machines, every other method — except ACK, which
 * never creates a transaction — uses the non-INVITE ones).
 */
import type { SipRequest, SipResponse } from "../message/index.ts";
import { createInviteClient, type InviteClientState, stepInviteClient } from "./invite-client-transaction.ts";
import {
  createInviteServer,
  type InviteServerOptions,
  type InviteServerState,
  stepInviteServer,
} from "./invite-server-transaction.ts";
import {
  createNonInviteClient,
  type NonInviteClientState,
  stepNonInviteClient,
} from "./non-invite-client-transaction.ts";
import {
  createNonInviteServer,
  type NonInviteServerState,
  stepNonInviteServer,
} from "./non-invite-server-transaction.ts";
import type { MachineOptions, TimerInput, TransactionAction, TransportErrorInput } from "./types.ts";

export type TransactionKind = "invite-client" | "non-invite-client" | "invite-server" | "non-invite-server";

export type AnyTransactionState =
  | { kind: "invite-client"; state: InviteClientState }
  | { kind: "non-invite-client"; state: NonInviteClientState }
  | { kind: "invite-server"; state: InviteServerState }
  | { kind: "non-invite-server"; state: NonInviteServerState };

/** Every input any machine accepts; a machine ignores inputs that do not apply to its side. */
export type AnyTransactionInput =
  | { type: "response"; response: SipResponse }
  | { type: "request"; request: SipRequest }
  | { type: "respond"; response: SipResponse }
  | TimerInput
  | TransportErrorInput;

export interface AnyStep {
  machine: AnyTransactionState;
  actions: TransactionAction[];
}

/** Starts the client machine for `request` (INVITE or non-INVITE, §17.1). */
export function createClientMachine(request: SipRequest, opts: MachineOptions, now: number): AnyStep {
  if (request.method === "INVITE") {
    const s = createInviteClient(request, opts, now);
    return { machine: { kind: "invite-client", state: s.state }, actions: s.actions };
  }
  const s = createNonInviteClient(request, opts, now);
  return { machine: { kind: "non-invite-client", state: s.state }, actions: s.actions };
}

/** Starts the server machine for `request` (INVITE or non-INVITE, §17.2). */
export function createServerMachine(request: SipRequest, opts: InviteServerOptions): AnyStep {
  if (request.method === "INVITE") {
    const s = createInviteServer(request, opts);
    return { machine: { kind: "invite-server", state: s.state }, actions: s.actions };
  }
  const s = createNonInviteServer(request, opts);
  return { machine: { kind: "non-invite-server", state: s.state }, actions: s.actions };
}

const NONE: TransactionAction[] = [];

export function stepMachine(m: AnyTransactionState, input: AnyTransactionInput, now: number): AnyStep {
  switch (m.kind) {
    case "invite-client": {
      if (input.type === "request" || input.type === "respond") return { machine: m, actions: NONE };
      const s = stepInviteClient(m.state, input, now);
      return { machine: { kind: m.kind, state: s.state }, actions: s.actions };
    }
    case "non-invite-client": {
      if (input.type === "request" || input.type === "respond") return { machine: m, actions: NONE };
      const s = stepNonInviteClient(m.state, input, now);
      return { machine: { kind: m.kind, state: s.state }, actions: s.actions };
    }
    case "invite-server": {
      if (input.type === "response") return { machine: m, actions: NONE };
      const s = stepInviteServer(m.state, input, now);
      return { machine: { kind: m.kind, state: s.state }, actions: s.actions };
    }
    case "non-invite-server": {
      if (input.type === "response") return { machine: m, actions: NONE };
      const s = stepNonInviteServer(m.state, input, now);
      return { machine: { kind: m.kind, state: s.state }, actions: s.actions };
    }
  }
}
