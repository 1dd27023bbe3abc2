/**
 * The STUN client socket against an in-process responder on loopback: retransmission after a
 * lost request, and stray answers for other transactions ignored.
 */
import { describe, expect, test } from "bun:test";
import { createSystemTimers } from "../../src/runtime/system-clock.ts";
import { decodeStunMessage, encodeBindingSuccess } from "../../src/stun/index.ts";
import { stunBinding } from "../../src/trunk/index.ts";
import { seededRandom } from "../support/seeded-random.ts";

describe("stunBinding (UDP client)", () => {
  test("retransmits after a lost request, ignores a forged answer, and returns the mapped address", async () => {
    let requests = 0;
    const server = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(sock, data, port, address) {
          const m = decodeStunMessage(new Uint8Array(data));
          if (!m.ok) return;
          requests++;
          if (requests === 1) return; // lost
          const wrongId = m.value.transactionId.slice();
          wrongId[0]! ^= 1;
          const mapped = { family: 4 as const, address: "198.51.100.4", port: 4444 };
          sock.send(encodeBindingSuccess(wrongId, { ...mapped, address: "192.0.2.66" })!, port, address);
          sock.send(
            encodeBindingSuccess(m.value.transactionId, mapped, { fingerprint: true })!,
            port,
            address,
          );
        },
      },
    });
    try {
      const mapped = await stunBinding({
        server: { address: "127.0.0.1", port: server.port },
        timers: createSystemTimers(),
        random: seededRandom(11),
        bindAddress: "127.0.0.1",
        retransmit: { rtoMs: 50, rc: 4, rm: 4 },
      });
      expect(mapped).toEqual({ family: 4, address: "198.51.100.4", port: 4444 });
      expect(requests).toBe(2);
    } finally {
      server.close();
    }
  });
});
