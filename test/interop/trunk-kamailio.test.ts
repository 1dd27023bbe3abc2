/**
 * Trunk registration against a real registrar: kamailio 5.6 with digest auth (qop=auth) on
 * loopback, driven by the trunk manager on a real SipStack (UDP + TCP). Two trunks register
 * and stay registered across refreshes, a wrong password on a third leaves them alone, a
 * kamailio restart (bindings are memory-only, so they vanish) is healed by the next refresh,
 * and shutdown removes the bindings (Expires: 0). Skipped without kamailio/kamcmd unless
 * XBRIDGE_REQUIRE_PEERS=1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { nullLogger } from "../../src/lib/logger.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../src/runtime/system-clock.ts";
import { SipStack } from "../../src/sip/transport/sip-stack.ts";
import {
  createSystemTrunkNet,
  createTrunkManager,
  sipStackPort,
  type TrunkManager,
  type TrunkSettings,
  type TrunkState,
} from "../../src/trunk/index.ts";
import { freePorts, skipWithout } from "../support/peers.ts";
import { until } from "../support/poll.ts";
import { type Kamailio, startKamailio } from "./kamailio/kamailio.ts";

const skip = skipWithout("kamailio", "kamcmd");
/** kamailio.cfg sets registrar min_expires=10: refresh every 5 s keeps the test short. */
const EXPIRES = 10;

describe.skipIf(skip)("trunk registration ⇄ kamailio", () => {
  let kamailio: Kamailio;
  let stack: SipStack;
  let manager: TrunkManager;
  const events: TrunkState[] = [];
  let udpPort = 0;
  let tcpPort = 0;

  const contactOf = (user: string, port: number, transport = "") =>
    `sip:${user}@127.0.0.1:${port}${transport}`;

  beforeAll(async () => {
    const [port] = await freePorts(1);
    kamailio = await startKamailio(port!);
    const timers = createSystemTimers();
    // T1 = 250 ms: Timer F is 16 s, so a refresh sent while kamailio is down fails sooner.
    stack = new SipStack({
      clock: systemClock,
      timers,
      random: cryptoRandom,
      listen: [
        { protocol: "UDP", hostname: "127.0.0.1", port: 0 },
        { protocol: "TCP", hostname: "127.0.0.1", port: 0 },
      ],
      timerConfig: { T1: 250 },
    });
    await stack.start();
    udpPort = stack.local("UDP")!.port;
    tcpPort = stack.local("TCP")!.port;
    const trunk = (t: Partial<TrunkSettings> & Pick<TrunkSettings, "name" | "username" | "password">) => ({
      host: "127.0.0.1",
      port: port!,
      transport: "udp" as const,
      ...t,
    });
    manager = createTrunkManager({
      trunks: [
        trunk({ name: "carrier-udp", username: "1000", password: "secret1000" }),
        trunk({ name: "carrier-tcp", username: "1001", password: "secret1001", transport: "tcp" }),
        trunk({ name: "wrong-password", username: "alice", password: "not-alicepw" }),
      ],
      stack: sipStackPort(stack),
      clock: systemClock,
      timers,
      random: cryptoRandom,
      logger: nullLogger,
      net: createSystemTrunkNet({ timers, random: cryptoRandom }),
      expires: EXPIRES,
      onState: (s) => events.push(s),
    });
    manager.start();
  }, 15_000);

  afterAll(async () => {
    await manager?.stop(1000);
    await stack?.stop();
    await kamailio?.stop();
  });

  test("a UDP and a TCP trunk register with digest; the trunk with a wrong password does not", async () => {
    expect(
      await until(() => manager.isRegistered("carrier-udp") && manager.isRegistered("carrier-tcp"), 5000),
    ).toBe(true);
    const dump = await kamailio.ulDump();
    expect(dump).toContain(contactOf("1000", udpPort));
    expect(dump).toContain(contactOf("1001", tcpPort, ";transport=tcp"));
    expect(await until(() => manager.state("wrong-password")?.phase === "backoff", 5000)).toBe(true);
    expect(manager.state("wrong-password")).toMatchObject({ registered: false, lastStatus: 401 });
    expect(dump).not.toContain("sip:alice@");
    expect(manager.state("carrier-udp")).toMatchObject({ expires: EXPIRES, addressSource: "local" });
  }, 15_000);

  test("both stay registered across a refresh (at 50 % of 10 s) while the bad trunk keeps retrying", async () => {
    const before = events.length;
    await Bun.sleep(EXPIRES * 1000 * 0.5 + 1500);
    const later = events.slice(before);
    for (const name of ["carrier-udp", "carrier-tcp"]) {
      const mine = later.filter((e) => e.name === name);
      expect(mine.some((e) => e.phase === "registering")).toBe(true); // a refresh went out
      expect(mine.every((e) => e.registered)).toBe(true); // and the trunk never dropped
      expect(manager.isRegistered(name)).toBe(true);
    }
    const retries = later.filter((e) => e.name === "wrong-password" && e.phase === "registering");
    expect(retries.length).toBeGreaterThan(0);
    const dump = await kamailio.ulDump();
    expect(dump).toContain(contactOf("1000", udpPort));
    expect(dump).toContain(contactOf("1001", tcpPort, ";transport=tcp"));
  }, 15_000);

  test("after kamailio restarts with an empty location table, both trunks re-register by themselves", async () => {
    const { port, dir } = kamailio;
    await kamailio.stop();
    await Bun.sleep(1000);
    kamailio = await startKamailio(port, dir);
    expect(await kamailio.ulDump()).not.toContain("sip:1000@");
    const healed = await until(async () => {
      const dump = await kamailio.ulDump();
      return (
        dump.includes(contactOf("1000", udpPort)) &&
        dump.includes(contactOf("1001", tcpPort, ";transport=tcp"))
      );
    }, 25_000);
    expect(healed).toBe(true);
    expect(manager.isRegistered("carrier-udp")).toBe(true);
    expect(manager.isRegistered("carrier-tcp")).toBe(true);
  }, 40_000);

  test("shutdown unregisters (Expires: 0): kamailio has no binding left", async () => {
    await manager.stop(3000);
    expect(manager.states().map((s) => s.phase)).toEqual(["stopped", "stopped", "stopped"]);
    const dump = await kamailio.ulDump();
    expect(dump).not.toContain("sip:1000@");
    expect(dump).not.toContain("sip:1001@");
  }, 10_000);
});
