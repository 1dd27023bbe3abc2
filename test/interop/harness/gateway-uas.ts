/**
 * A minimal gateway-like UAS on our SipStack for interop tests: answers INVITE with 180 and a
 * 200 carrying an SDP answer with a dummy m=audio (optionally after a digest challenge with our
 * auth server), answers OPTIONS (the stack's default) and BYE, and records what happened so
 * tests can assert on our side too.
 */
import { utf8 } from "../../../src/lib/bytes.ts";
import { cryptoRandom } from "../../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../../src/runtime/system-clock.ts";
import { buildChallenge, NonceStore, verifyAuthorization } from "../../../src/sip/auth/index.ts";
import { getHeader } from "../../../src/sip/message/index.ts";
import { SipStack } from "../../../src/sip/transport/sip-stack.ts";
import type { TransportProtocol } from "../../../src/sip/transport/types.ts";

export const ANSWER_SDP = [
  "v=0",
  "o=xbridge 1 1 IN IP4 127.0.0.1",
  "s=xbridge",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 40000 RTP/AVP 0",
  "a=rtpmap:0 PCMU/8000",
  "a=ptime:20",
  "a=sendrecv",
  "",
].join("\r\n");

export interface GatewayUas {
  stack: SipStack;
  port: number;
  events: string[];
  stop(): Promise<void>;
}

/** Starts a stack on a free loopback port of `protocol` (port 0 → OS-assigned). */
export async function startStack(protocol: TransportProtocol): Promise<SipStack> {
  const stack = new SipStack({
    clock: systemClock,
    timers: createSystemTimers(),
    random: cryptoRandom,
    listen: [{ protocol, hostname: "127.0.0.1", port: 0 }],
  });
  await stack.start();
  return stack;
}

export interface GatewayUasOptions {
  /** Challenge every INVITE with our digest server (sip.md §3) and accept these credentials. */
  auth?: { username: string; password: string };
}

export async function startGatewayUas(
  protocol: TransportProtocol,
  options: GatewayUasOptions = {},
): Promise<GatewayUas> {
  const stack = await startStack(protocol);
  const events: string[] = [];
  const nonces = new NonceStore({ random: cryptoRandom });
  const auth = options.auth;
  stack.setHandlers({
    invite(call) {
      if (auth !== undefined) {
        const authorization = getHeader(call.request, "Authorization");
        if (authorization === undefined) {
          events.push("challenged");
          const challenge = buildChallenge(nonces.issue(systemClock.now()));
          call.reject(401, undefined, [{ name: "WWW-Authenticate", value: challenge }]);
          return;
        }
        const verdict = verifyAuthorization(nonces, {
          authorization,
          method: "INVITE",
          now: systemClock.now(),
          passwordFor: (u) => (u === auth.username ? auth.password : undefined),
        });
        events.push(`auth-${verdict.verdict}`);
        if (verdict.verdict !== "ok") {
          call.reject(403);
          return;
        }
      }
      events.push("invite");
      call.on("confirmed", () => events.push("confirmed"));
      call.on("ack-timeout", () => events.push("ack-timeout"));
      call.ring();
      call.accept({ body: utf8(ANSWER_SDP), contentType: "application/sdp" });
    },
    bye() {
      events.push("bye");
    },
  });
  return { stack, port: stack.local(protocol)!.port, events, stop: () => stack.stop() };
}
