/**
 * Our STUN client against a real server: `stund` 0.97 (Debian stun-server, an RFC 3489/5389
 * server) bound to loopback only (-h 127.0.0.1 -a 127.0.0.2; Linux routes all of 127/8 to
 * lo). It answers with MAPPED-ADDRESS and XOR-MAPPED-ADDRESS; we must learn our own socket's
 * address. Skipped without stund unless XBRIDGE_REQUIRE_PEERS=1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { createSystemTimers } from "../../src/runtime/system-clock.ts";
import { stunBinding } from "../../src/trunk/index.ts";
import {
  freePorts,
  makeTempDir,
  type PeerProcess,
  skipWithout,
  spawnPeer,
  waitForPort,
} from "../support/peers.ts";

const skip = skipWithout("stund");

describe.skipIf(skip)("STUN client ⇄ stund on loopback", () => {
  let stund: PeerProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    const [primary, secondary] = await freePorts(2);
    port = primary!;
    stund = spawnPeer({
      name: "stund",
      cmd: ["stund", "-v", "-h", "127.0.0.1", "-a", "127.0.0.2", "-p", String(port), "-o", String(secondary)],
      dir: makeTempDir("stund"),
    });
    expect(await waitForPort("udp", port)).toBe(true);
  });

  afterAll(async () => {
    await stund?.stop();
  });

  test("learns the mapped address of its own socket (127.0.0.1 and the bound port)", async () => {
    const timers = createSystemTimers();
    const mapped = await stunBinding({
      server: { address: "127.0.0.1", port },
      timers,
      random: cryptoRandom,
      bindAddress: "127.0.0.1",
      retransmit: { rtoMs: 100, rc: 4, rm: 4 },
    });
    expect(mapped?.family).toBe(4);
    expect(mapped?.address).toBe("127.0.0.1");
    expect(mapped!.port).toBeGreaterThan(1023);
    expect(stund!.log()).toContain("Received stun message");
  });

  test("gives up on the RFC 8489 schedule when nothing answers", async () => {
    const [silent] = await freePorts(1);
    const started = performance.now();
    const mapped = await stunBinding({
      server: { address: "127.0.0.1", port: silent! },
      timers: createSystemTimers(),
      random: cryptoRandom,
      bindAddress: "127.0.0.1",
      retransmit: { rtoMs: 50, rc: 3, rm: 2 },
    });
    expect(mapped).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(240); // 0, 50, 150 + 2 × 50
  });
});
