/**
 * The floor the gateway's call path is compared with (DESIGN.md "Performance rules": a bare
 * UDP⇄WebSocket relay costs ~1 ms of CPU per call-second). Per call: one UDP socket and one
 * WebSocket, no SIP, no jitter buffer, no codec, no pacing: μ-law RTP in → base64 Twilio
 * `media` JSON out (websocket.md §3 shape, template string), and Twilio `media` JSON in →
 * one RTP packet out to the address the caller's RTP came from.
 *
 * Run alone: `bun run bench/relay-baseline.ts` prints `{"port":N}` and serves
 * `ws://127.0.0.1:N/ws/<id>`; the first message on each socket is
 * `{"event":"connected","rtpPort":P}` naming the UDP port to send that call's RTP to.
 * bench/calls.bench.ts starts it as a separate process so its CPU can be read from /proc.
 */
import type { ServerWebSocket, udp } from "bun";

interface RelayCall {
  udp: udp.Socket<"uint8array"> | undefined;
  /** Latched caller address (RFC 4961 style: where the RTP came from). */
  peerPort: number;
  peerHost: string;
  chunk: number;
  /** Outbound RTP header state and a reused packet buffer (12-byte header + 160 B payload). */
  seq: number;
  ts: number;
  readonly out: Uint8Array;
  readonly view: DataView;
}

const SSRC = 0x5eed0001;

/** Starts the relay on 127.0.0.1:`port` (0 = any); resolves the bound port. */
export async function startRelay(port = 0): Promise<{ port: number; stop: () => void }> {
  const server = Bun.serve<RelayCall>({
    hostname: "127.0.0.1",
    port,
    fetch(req, srv) {
      if (!new URL(req.url).pathname.startsWith("/ws/")) return new Response("not found", { status: 404 });
      const out = new Uint8Array(12 + 160);
      const call: RelayCall = {
        udp: undefined,
        peerPort: 0,
        peerHost: "127.0.0.1",
        chunk: 0,
        seq: 0,
        ts: 0,
        out,
        view: new DataView(out.buffer),
      };
      return srv.upgrade(req, { data: call }) ? undefined : new Response("upgrade failed", { status: 400 });
    },
    websocket: {
      async open(ws: ServerWebSocket<RelayCall>) {
        const call = ws.data;
        const socket = await Bun.udpSocket({
          hostname: "127.0.0.1",
          binaryType: "uint8array",
          socket: {
            data(_s, buf, rport, raddr) {
              if (buf.length < 12) return;
              call.peerPort = rport;
              call.peerHost = raddr;
              const cc = buf[0]! & 0x0f;
              const payload = buf.subarray(12 + cc * 4);
              call.chunk++;
              ws.send(
                `{"event":"media","streamSid":"MZrelay","media":{"track":"inbound","chunk":"${call.chunk}","timestamp":"${call.chunk * 20}","payload":"${payload.toBase64()}"}}`,
              );
            },
          },
        });
        call.udp = socket;
        ws.send(`{"event":"connected","rtpPort":${socket.port}}`);
      },
      message(ws: ServerWebSocket<RelayCall>, message) {
        if (typeof message !== "string") return;
        const call = ws.data;
        if (call.peerPort === 0 || call.udp === undefined) return;
        let payload: string | undefined;
        try {
          payload = (JSON.parse(message) as { media?: { payload?: string } }).media?.payload;
        } catch {
          return;
        }
        if (payload === undefined) return;
        const out = call.out;
        out.set(Uint8Array.fromBase64(payload).subarray(0, 160), 12);
        out[0] = 0x80;
        out[1] = 0; // PT 0, PCMU
        out[2] = call.seq >> 8;
        out[3] = call.seq & 0xff;
        call.view.setUint32(4, call.ts);
        call.view.setUint32(8, SSRC);
        call.seq = (call.seq + 1) & 0xffff;
        call.ts = (call.ts + 160) >>> 0;
        call.udp.send(out, call.peerPort, call.peerHost);
      },
      close(ws: ServerWebSocket<RelayCall>) {
        ws.data.udp?.close();
      },
    },
  });
  return { port: server.port ?? 0, stop: () => server.stop(true) };
}

if (import.meta.main) {
  const relay = await startRelay(Number(process.env.RELAY_PORT ?? 0));
  console.log(JSON.stringify({ port: relay.port }));
  process.on("SIGTERM", () => {
    relay.stop();
    process.exit(0);
  });
}
