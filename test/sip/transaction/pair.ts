/**
 * Two TransactionLayers ("alice" and "bob") wired over the FakeNetwork on one ManualClock,
 * with TUs that record what they are told. Shared by the component tests.
 */
import type { Random } from "../../../src/lib/random.ts";
import type { SipRequest, SipResponse } from "../../../src/sip/message/index.ts";
import {
  type Transaction,
  TransactionLayer,
  type TransactionUser,
} from "../../../src/sip/transaction/index.ts";
import { FakeNetwork, summarize } from "../../support/fake-network.ts";
import { ManualClock } from "../../support/manual-clock.ts";

export interface TuEvent {
  at: number;
  what: string;
  tx?: Transaction<string>;
  message?: SipRequest | SipResponse;
}

export interface Peer {
  layer: TransactionLayer<string>;
  events: TuEvent[];
  /** Called on each new server transaction request (default: nothing). */
  onRequest: (request: SipRequest, tx: Transaction<string>) => void;
  /** Called on each ACK passed to the core (default: nothing). */
  onAck: (ack: SipRequest) => void;
  /** Called on each response a client transaction passes up (default: nothing). */
  onResponse: (response: SipResponse, tx: Transaction<string>) => void;
  /** Makes the next sends of this peer fail (the transport reports an error). */
  failSends: boolean;
}

export interface PairOptions {
  reliable?: boolean;
  latencyMs?: number;
  random?: Random;
  jitterMs?: number;
  sendTrying?: boolean;
}

export function createPair(opts: PairOptions = {}) {
  const clock = new ManualClock();
  const net = new FakeNetwork({
    timers: clock,
    latencyMs: opts.latencyMs ?? 10,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.jitterMs ? { jitterMs: opts.jitterMs } : {}),
  });
  const reliable = opts.reliable ?? false;

  function peer(self: string): Peer {
    const p: Peer = {
      events: [],
      onRequest: () => {},
      onAck: () => {},
      onResponse: () => {},
      failSends: false,
      layer: undefined as unknown as TransactionLayer<string>,
    };
    const record = (what: string, tx?: Transaction<string>, message?: SipRequest | SipResponse) => {
      const e: TuEvent = { at: clock.now(), what };
      if (tx) e.tx = tx;
      if (message) e.message = message;
      p.events.push(e);
    };
    const tu: TransactionUser<string> = {
      onRequest: (request, tx) => {
        record(`request ${request.method}`, tx, request);
        p.onRequest(request, tx);
      },
      onAck: (ack) => {
        record("ack", undefined, ack);
        p.onAck(ack);
      },
      onResponse: (response, tx) => {
        record(`response ${summarize(response)}`, tx, response);
        p.onResponse(response, tx);
      },
      onTimeout: (tx, timer) => record(`timeout ${timer}`, tx),
      onTransportError: (tx) => record("transport-error", tx),
    };
    p.layer = new TransactionLayer<string>({
      clock,
      timers: clock,
      tu,
      ...(opts.sendTrying !== undefined ? { sendTrying: opts.sendTrying } : {}),
      send: (message, dest, tx) => {
        if (p.failSends) p.layer.transportError(tx);
        else net.send(self, dest, message);
      },
    });
    net.attach(self, (message, from) => {
      if (message.kind === "request") p.layer.receiveRequest(message, from, reliable);
      else p.layer.receiveResponse(message);
    });
    return p;
  }

  const alice = peer("alice");
  const bob = peer("bob");
  return { clock, net, alice, bob, reliable };
}

/** Event names of a peer, in order. */
export function whats(p: Peer): string[] {
  return p.events.map((e) => e.what);
}
