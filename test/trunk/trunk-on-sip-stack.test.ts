/**
 * The trunk manager on a real SipStack (sipStackPort) against a registrar that is another
 * SipStack challenging with our own digest server (sip.md §2, §3), over UDP on loopback.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { nullLogger } from "../../src/lib/logger.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../src/runtime/system-clock.ts";
import { buildChallenge, NonceStore, verifyAuthorization } from "../../src/sip/auth/index.ts";
import { getHeader } from "../../src/sip/message/index.ts";
import type { SipStack } from "../../src/sip/transport/sip-stack.ts";
import type { IncomingRequest } from "../../src/sip/ua/sip-service.ts";
import {
  createTrunkManager,
  sipStackPort,
  type TrunkManager,
  type TrunkState,
} from "../../src/trunk/index.ts";
import { loopbackStacks } from "../sip/transport/stack-harness.ts";

const stack = loopbackStacks();
const managers: TrunkManager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
});

/** A registrar on a SipStack that challenges with our own digest server (sip.md §3 format). */
function registrar(b: SipStack, seen: string[]) {
  const nonces = new NonceStore({ random: cryptoRandom });
  b.setHandlers({
    request(req: IncomingRequest) {
      const auth = getHeader(req.request, "Authorization");
      if (auth === undefined) {
        seen.push("challenge");
        req.respond(401, undefined, {
          headers: [{ name: "WWW-Authenticate", value: buildChallenge(nonces.issue(systemClock.now())) }],
        });
        return;
      }
      const v = verifyAuthorization(nonces, {
        authorization: auth,
        method: req.request.method,
        now: systemClock.now(),
        passwordFor: (u) => (u === "gateway" ? "gatewaypw" : undefined),
      });
      seen.push(v.verdict);
      if (v.verdict !== "ok") return req.respond(403);
      const contact = getHeader(req.request, "Contact") ?? "";
      const expires = getHeader(req.request, "Expires") === "0" ? 0 : 120;
      req.respond(200, undefined, { headers: [{ name: "Contact", value: `${contact};expires=${expires}` }] });
    },
  });
}

/** Starts one trunk of `a` registering with `b`; resolves the first state `until` accepts. */
function registerTrunk(
  a: SipStack,
  b: SipStack,
  password: string,
  until: (s: TrunkState) => boolean,
): { manager: TrunkManager; reached: Promise<TrunkState> } {
  let done: (s: TrunkState) => void = () => undefined;
  const reached = new Promise<TrunkState>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timed out")), 3000);
    done = (s) => {
      clearTimeout(t);
      resolve(s);
    };
  });
  const manager = createTrunkManager({
    trunks: [
      {
        name: "pbx",
        username: "gateway",
        password,
        host: "127.0.0.1",
        port: b.local("UDP")!.port,
        transport: "udp",
      },
    ],
    stack: sipStackPort(a),
    clock: systemClock,
    timers: createSystemTimers(),
    random: cryptoRandom,
    logger: nullLogger,
    onState: (s) => {
      if (until(s)) done(s);
    },
  });
  managers.push(manager);
  manager.start();
  return { manager, reached };
}

describe("trunk registration on a SipStack with digest authentication", () => {
  test("registers through a 401 challenge, takes the granted expiry, unregisters on stop", async () => {
    const a = await stack();
    const b = await stack();
    const seen: string[] = [];
    registrar(b, seen);
    const { manager, reached } = registerTrunk(a, b, "gatewaypw", (s) => s.registered);
    const expires = (await reached).expires;
    expect(expires).toBe(120);
    expect(seen).toEqual(["challenge", "ok"]);
    await manager.stop();
    expect(manager.state("pbx")?.phase).toBe("stopped");
    expect(seen).toEqual(["challenge", "ok", "challenge", "ok"]);
  });

  test("a wrong password ends in unregistered with the registrar's 403", async () => {
    const a = await stack();
    const b = await stack();
    registrar(b, []);
    const { reached } = registerTrunk(a, b, "wrong", (s) => s.lastStatus !== undefined);
    const lost = await reached;
    expect(lost.lastStatus).toBe(403);
    expect(lost.registered).toBe(false);
  });
});
