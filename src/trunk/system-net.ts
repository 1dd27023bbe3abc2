/**
 * The system's DNS, routing and STUN for trunks (IO): A/AAAA lookup of the registrar (no
 * NAPTR/SRV, RFC 3263 is not implemented), the local interface that routes to it (a connected
 * UDP socket's local address: no packet is sent), and the STUN mapped address.
 */
import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import type { Timers } from "../lib/clock.ts";
import { parseIp } from "../lib/ip.ts";
import type { Random } from "../lib/random.ts";
import type { Endpoint } from "../sip/ua/sip-service.ts";
import { stunBinding } from "./stun-client.ts";
import type { TrunkNet } from "./types.ts";

async function resolve(host: string): Promise<string | undefined> {
  if (parseIp(host) !== undefined) return host.replace(/^\[|\]$/g, "");
  try {
    return (await lookup(host)).address;
  } catch {
    return undefined;
  }
}

function localAddressTowards(remote: Endpoint): Promise<string | undefined> {
  return new Promise((done) => {
    const s = createSocket(remote.address.includes(":") ? "udp6" : "udp4");
    let finished = false;
    // An error can follow the connect callback; closing a dgram socket twice throws, and in an
    // event handler that would crash the process.
    const finish = (address: string | undefined): void => {
      if (finished) return;
      finished = true;
      try {
        s.close();
      } catch {
        // Already closed.
      }
      done(address);
    };
    s.on("error", () => finish(undefined));
    try {
      s.connect(remote.port, remote.address, () => {
        try {
          finish(s.address().address);
        } catch {
          finish(undefined);
        }
      });
    } catch {
      // A port out of range throws synchronously (resolve() passes configured values through).
      finish(undefined);
    }
  });
}

export function createSystemTrunkNet(deps: { timers: Timers; random: Random }): TrunkNet {
  return {
    resolve,
    localAddressTowards,
    async stunMappedAddress(server) {
      const address = await resolve(server.host);
      if (address === undefined) return undefined;
      const mapped = await stunBinding({ server: { address, port: server.port }, ...deps });
      return mapped === undefined ? undefined : { address: mapped.address, port: mapped.port };
    },
  };
}
