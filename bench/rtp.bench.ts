/**
 * Per-packet receive path of a call: RTP decode + jitter buffer + G.711 decode + re-framing
 * (InboundPipeline, as the media session runs it), against a bare UDP relay measured in the
 * same run (receive a datagram on loopback, send it on; the floor of any gateway).
 * Run alone: `bun run bench/rtp.bench.ts`.
 */
import { pcmuCodec } from "../src/codec/g711.ts";
import { InboundPipeline } from "../src/media/inbound-pipeline.ts";
import { writeRtpHeader } from "../src/rtp/rtp-packet.ts";
import { SrtpContext } from "../src/srtp/srtp-context.ts";

const N = 200_000;
const packet = new Uint8Array(12 + 160 + 10);
packet.fill(0x55, 12, 172);

/** Pre-built packets (protected when `srtp`), so the timed loop measures only the receive side. */
const RING = 4096;

function pipelineRun(label: string, srtp: boolean): number {
  const key = {
    suite: "AES_CM_128_HMAC_SHA1_80" as const,
    masterKey: new Uint8Array(16),
    masterSalt: new Uint8Array(14),
  };
  const tx = new SrtpContext(key);
  const ring: Uint8Array[] = [];
  for (let i = 0; i < RING; i++) {
    const p = packet.slice();
    writeRtpHeader(p, 0, false, i, i * 160, 0xabc);
    const n = srtp ? (tx.protectRtp(p, 172) as number) : 172;
    ring.push(p.subarray(0, n));
  }
  const work = new Uint8Array(packet.length);
  let frames = 0;
  let p = fresh();
  function fresh(): InboundPipeline {
    const q = new InboundPipeline({
      codec: pcmuCodec,
      payloadType: 0,
      ...(srtp ? { srtp: new SrtpContext(key) } : {}),
    });
    q.sink = () => frames++;
    return q;
  }
  const one = (i: number) => {
    const k = i % RING;
    // A new receiver per lap of the ring: the same indices again would be replays.
    if (k === 0) p = fresh();
    const src = ring[k]!;
    work.set(src);
    const now = k * 20;
    p.receive(work, src.length, now);
    p.playout(now);
  };
  for (let i = 0; i < 20_000; i++) one(i);
  frames = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) one(i);
  const us = ((performance.now() - t0) * 1000) / N;
  if (frames < N * 0.95) throw new Error(`pipeline produced ${frames} frames for ${N} packets`);
  console.log(`${label.padEnd(44)} ${us.toFixed(3)} µs/packet`);
  return us;
}

async function relayRun(): Promise<number> {
  const COUNT = 5_000;
  let received = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const sink = await Bun.udpSocket({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data() {
        if (++received === COUNT) done();
      },
    },
  });
  const relay = await Bun.udpSocket({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(s, d) {
        s.send(d, sink.port, "127.0.0.1");
      },
    },
  });
  const source = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // Paced in bursts of 50 so the kernel buffers never overflow.
  for (let i = 0; i < COUNT; i += 50) {
    for (let k = 0; k < 50; k++) source.send(packet.subarray(0, 172), relay.port, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.race([finished, new Promise((r) => setTimeout(r, 5000))]);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  for (const s of [sink, relay, source]) s.close();
  const us = ((cpu.user + cpu.system) / Math.max(1, received)) * 1;
  console.log(
    `${"baseline: bare UDP relay (CPU, send+recv x2)".padEnd(44)} ${us.toFixed(3)} µs/packet (${received}/${COUNT} in ${wall.toFixed(0)} ms)`,
  );
  return us;
}

const plain = pipelineRun("receive: RTP + jitter + G.711 + re-frame", false);
const secure = pipelineRun("receive: SRTP unprotect + the above", true);
const relay = await relayRun();
console.log(
  `pipeline = ${((plain / relay) * 100).toFixed(1)}% of the relay's per-packet cost; with SRTP ${((secure / relay) * 100).toFixed(1)}%`,
);
