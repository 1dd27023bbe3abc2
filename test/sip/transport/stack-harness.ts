/**
 * Shared pieces of the SipStack loopback tests: stacks on 127.0.0.1 with an OS-chosen port that
 * stop after each test, a bounded wait for an event, and the out-of-dialog requests the tests
 * send to a stack (From `sip:a@127.0.0.1`, tag `t`, To `sip:x@127.0.0.1`).
 */
import { afterEach } from "bun:test";
import { cryptoRandom } from "../../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../../src/runtime/system-clock.ts";
import type { SipRequest } from "../../../src/sip/message/index.ts";
import type { TimerConfig } from "../../../src/sip/transaction/types.ts";
import { SipStack } from "../../../src/sip/transport/sip-stack.ts";
import type { TransportProtocol } from "../../../src/sip/transport/types.ts";
import { buildRequest } from "../../../src/sip/ua/invite-request.ts";

export interface LoopbackStackOptions {
  protocol?: TransportProtocol;
  hostname?: string;
  timerConfig?: Partial<TimerConfig>;
  /** Server certificate and key for TLS; the stack then does not verify its peers. */
  tls?: { cert: string; key: string };
}

/** A factory of started stacks, each stopped after the test that made it (call at file top level). */
export function loopbackStacks(): (options?: LoopbackStackOptions) => Promise<SipStack> {
  const stacks: SipStack[] = [];
  afterEach(async () => {
    for (const s of stacks.splice(0)) await s.stop();
  });
  return async (o = {}) => {
    const s = new SipStack({
      clock: systemClock,
      timers: createSystemTimers(),
      random: cryptoRandom,
      listen: [
        {
          protocol: o.protocol ?? "UDP",
          hostname: o.hostname ?? "127.0.0.1",
          port: 0,
          ...(o.tls !== undefined ? { tls: o.tls, verifyPeer: false } : {}),
        },
      ],
      ...(o.timerConfig !== undefined ? { timerConfig: o.timerConfig } : {}),
    });
    await s.start();
    stacks.push(s);
    return s;
  };
}

/** The value `register`'s callback delivers, or a rejection after `ms`. */
export function until<T>(register: (resolve: (v: T) => void) => void, ms = 3000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timed out")), ms);
    register((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

/** An out-of-dialog request to the stack listening on `port` (a To tag makes it look in-dialog). */
export function requestTo(
  port: number,
  method: string,
  callId: string,
  extra: { toTag?: string; contact?: string } = {},
): SipRequest {
  return buildRequest({
    method,
    uri: `sip:x@127.0.0.1:${port}`,
    from: "<sip:a@127.0.0.1>",
    fromTag: "t",
    to: `<sip:x@127.0.0.1>${extra.toTag !== undefined ? `;tag=${extra.toTag}` : ""}`,
    callId,
    ...(extra.contact !== undefined ? { contact: extra.contact } : {}),
  });
}
