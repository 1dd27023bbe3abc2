/**
 * The socket side of STUN (RFC 8489 §6.2.1 over UDP): sends a Binding request from a fresh
 * ephemeral UDP socket, retransmits on the pure core's Rc/Rm schedule, and resolves with the
 * mapped address of the first matching response (or undefined when the schedule runs out).
 * The protocol itself is in the pure `src/stun/`.
 */
import type { Timers } from "../lib/clock.ts";
import type { Random } from "../lib/random.ts";
import {
  encodeBindingRequest,
  newTransactionId,
  readBindingResponse,
  type StunRetransmitOptions,
  stunRetransmitSchedule,
  type TransportAddress,
} from "../stun/index.ts";

export interface StunQueryOptions {
  /** STUN server as an IP literal (resolve names first). */
  server: { address: string; port: number };
  timers: Timers;
  random: Random;
  /** Local address to bind (default: any address of the server's family). */
  bindAddress?: string;
  retransmit?: StunRetransmitOptions;
  /**
   * SOFTWARE attribute (RFC 8489 §14.14). Off by default: RFC 3489 servers such as stund 0.97
   * drop a request whose attribute length is not a multiple of 4, as SOFTWARE's usually is.
   */
  software?: string;
}

/** Our server-reflexive address as one STUN server sees it, or undefined on timeout. */
export async function stunBinding(o: StunQueryOptions): Promise<TransportAddress | undefined> {
  const id = newTransactionId(o.random);
  const request = encodeBindingRequest(id, {
    fingerprint: true,
    ...(o.software !== undefined ? { software: o.software } : {}),
  });
  const schedule = stunRetransmitSchedule(o.retransmit);
  const handles: Array<ReturnType<Timers["setTimeout"]>> = [];
  let settle: (v: TransportAddress | undefined) => void = () => undefined;
  const result = new Promise<TransportAddress | undefined>((resolve) => {
    settle = resolve;
  });
  const socket = await Bun.udpSocket({
    hostname: o.bindAddress ?? (o.server.address.includes(":") ? "::" : "0.0.0.0"),
    port: 0,
    socket: {
      data(_s, data) {
        // Anything that is not our answer (stray or forged datagrams) is ignored (§6.3).
        const r = readBindingResponse(new Uint8Array(data), id);
        if (r.ok) settle(r.value.mapped);
      },
      error() {
        // ICMP errors (no server) surface here; the schedule's give-up timer ends the query.
      },
    },
  });
  const send = (): void => {
    try {
      socket.send(request, o.server.port, o.server.address);
    } catch {
      // Bun's send throws after an ICMP error (no server there); the give-up timer ends the query.
    }
  };
  for (const at of schedule.sendAtMs) handles.push(o.timers.setTimeout(send, at));
  handles.push(o.timers.setTimeout(() => settle(undefined), schedule.giveUpAtMs));
  try {
    return await result;
  } finally {
    for (const h of handles) o.timers.clearTimeout(h);
    socket.close();
  }
}
