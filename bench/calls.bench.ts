/**
 * Whole-call benchmark (issue #5): N concurrent calls through the real gateway process, next
 * to the same load through the bare UDP⇄WebSocket relay of bench/relay-baseline.ts measured in
 * the same run (DESIGN.md: "~1 ms of CPU per call-second: that is the floor").
 *
 * In-process driver, per call: a SIP INVITE/ACK/BYE over UDP (gateway only; trunk-host peer
 * 127.0.0.1, PCMU offered), one caller RTP socket sending 160-byte μ-law frames at 50 packets/s
 * from one shared 20 ms ticker, and one Twilio-mode WebSocket client that echoes every `media`
 * payload straight back. Printed per system: CPU per call-second and RSS per call (from
 * /proc/<pid>/stat of the measured process only), caller→WS loss, RTP→WS latency p50/p99
 * (chunk k ↔ RTP packet k), packets per second coming back to the caller and their pacing
 * jitter (|inter-arrival − 20 ms| p50/p99).
 *
 *   bun run bench/calls.bench.ts               # CALLS=200 DURATION_S=10
 *   CALLS=50 DURATION_S=5 bun run bench/calls.bench.ts
 *   GATEWAY=0 …                                # relay only
 *
 * Measured (Bun 1.4.5, this 2-core host, 200 calls × 10 s): bare relay 1.03 ms CPU per
 * call-second, 95 KB RSS per call, RTP→WS p50/p99 3.0/5.8 ms; xbridge 1.53 ms, 246 KB,
 * 72.7/81.5 ms (the 50 ms jitter buffer of websocket.md §7 plus frame assembly), 0 % loss,
 * 50 packets/s back with pacing jitter p99 6.5 ms.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { udp } from "bun";
import { ULAW_ENCODE } from "../src/codec/g711-tables.ts";
import { startFakeApp } from "../test/support/app-server.ts";
import { REPO, startGatewayProcess } from "../test/support/gateway.ts";
import { freePorts, makeTempDir, spawnPeer, waitForPort } from "../test/support/peers.ts";

const CALLS = Math.max(1, Math.min(1000, Number(process.env.CALLS ?? 200)));
const DURATION_S = Math.max(2, Math.min(120, Number(process.env.DURATION_S ?? 10)));
const WARMUP_MS = 1000;
const SETUP_TIMEOUT_MS = 30_000;
const CLK_TCK = 100; // Linux USER_HZ

// -------------------------------------------------------------------------------------------
// /proc readings of one process

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[11], [12] = utime, stime (fields 14 and 15 of proc(5), counted after "comm").
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// -------------------------------------------------------------------------------------------
// Driver state per call

const FRAMES = DURATION_S * 50 + 100;
const TONE = new Uint8Array(160);
for (let i = 0; i < 160; i++)
  TONE[i] = ULAW_ENCODE[Math.round(8000 * Math.sin((2 * Math.PI * i) / 8)) & 0xffff]!;

interface Leg {
  rtp: udp.Socket<"uint8array">;
  target: { host: string; port: number };
  ws: WebSocket | undefined;
  packet: Uint8Array;
  view: DataView;
  sent: number;
  sendTimes: Float64Array;
  wsFrames: number;
  latencies: number[];
  back: number;
  lastBackAt: number;
  jitter: number[];
  measuring: boolean;
}

async function newLeg(index: number): Promise<Leg> {
  const packet = new Uint8Array(172);
  const rtp = await Bun.udpSocket({
    hostname: "127.0.0.1",
    binaryType: "uint8array",
    socket: {
      data() {
        const now = performance.now();
        if (!leg.measuring) return;
        leg.back++;
        if (leg.lastBackAt > 0) leg.jitter.push(Math.abs(now - leg.lastBackAt - 20));
        leg.lastBackAt = now;
      },
    },
  });
  const leg: Leg = {
    rtp,
    target: { host: "127.0.0.1", port: 0 },
    ws: undefined,
    packet,
    view: new DataView(packet.buffer),
    sent: 0,
    sendTimes: new Float64Array(FRAMES),
    wsFrames: 0,
    latencies: [],
    back: 0,
    lastBackAt: 0,
    jitter: [],
    measuring: false,
  };
  packet[0] = 0x80;
  packet.set(TONE, 12);
  leg.view.setUint32(8, 0xca110000 + index);
  return leg;
}

/** Twilio-mode app side: count caller frames, time them, echo the payload back. */
function attachEcho(leg: Leg, ws: WebSocket): void {
  leg.ws = ws;
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") return;
    const now = performance.now();
    const msg = JSON.parse(e.data) as { event: string; media?: { chunk: string; payload: string } };
    if (msg.event !== "media" || msg.media === undefined) return;
    leg.wsFrames++;
    const k = Number(msg.media.chunk) - 1;
    if (leg.measuring && k >= 0 && k < leg.sent) leg.latencies.push(now - leg.sendTimes[k]!);
    ws.send(`{"event":"media","media":{"payload":"${msg.media.payload}"}}`);
  });
}

/** One shared 20 ms ticker sends one RTP packet per call, deadline-based (no drift). */
async function stream(legs: Leg[], durationMs: number, onWarm: () => void): Promise<void> {
  const start = performance.now();
  let tick = 0;
  let warm = false;
  while (performance.now() - start < durationMs) {
    for (const leg of legs) {
      if (leg.target.port === 0 || leg.sent >= FRAMES) continue;
      leg.view.setUint16(2, leg.sent & 0xffff);
      leg.view.setUint32(4, (leg.sent * 160) >>> 0);
      leg.sendTimes[leg.sent] = performance.now();
      leg.sent++;
      leg.rtp.send(leg.packet, leg.target.port, leg.target.host);
    }
    if (!warm && performance.now() - start >= WARMUP_MS) {
      warm = true;
      onWarm();
    }
    tick++;
    await Bun.sleep(Math.max(0, start + tick * 20 - performance.now()));
  }
}

interface Figures {
  name: string;
  calls: number;
  cpuMsPerCallSecond: number;
  rssKbPerCall: number;
  inLossPct: number;
  latP50: number;
  latP99: number;
  backPps: number;
  jitP50: number;
  jitP99: number;
  driverCpuPct: number;
}

/** Streams for DURATION_S, measuring `pid` after the warm-up; returns the figures. */
async function measure(name: string, pid: number, legs: Leg[], rssBefore: number): Promise<Figures> {
  let cpu0 = 0;
  let t0 = 0;
  let drv0 = process.cpuUsage();
  await stream(legs, DURATION_S * 1000, () => {
    cpu0 = cpuMs(pid);
    t0 = performance.now();
    drv0 = process.cpuUsage();
    for (const l of legs) l.measuring = true;
  });
  const windowMs = performance.now() - t0;
  const cpu = cpuMs(pid) - cpu0;
  const drv = process.cpuUsage(drv0);
  const rss = rssKb(pid);
  for (const l of legs) l.measuring = false;
  await Bun.sleep(300); // drain in-flight frames before counting loss
  const sent = legs.reduce((n, l) => n + l.sent, 0);
  const frames = legs.reduce((n, l) => n + Math.min(l.wsFrames, l.sent), 0);
  const latencies = legs.flatMap((l) => l.latencies);
  const jitter = legs.flatMap((l) => l.jitter);
  return {
    name,
    calls: legs.length,
    cpuMsPerCallSecond: cpu / (legs.length * (windowMs / 1000)),
    rssKbPerCall: (rss - rssBefore) / legs.length,
    inLossPct: sent === 0 ? 100 : (100 * (sent - frames)) / sent,
    latP50: percentile(latencies, 50),
    latP99: percentile(latencies, 99),
    backPps: legs.reduce((n, l) => n + l.back, 0) / legs.length / (windowMs / 1000),
    jitP50: percentile(jitter, 50),
    jitP99: percentile(jitter, 99),
    driverCpuPct: ((drv.user + drv.system) / 1000 / windowMs) * 100,
  };
}

// -------------------------------------------------------------------------------------------
// Baseline: the bare relay in its own process

async function runRelay(): Promise<Figures> {
  const dir = makeTempDir("relay");
  const [port] = await freePorts(1);
  const relay = spawnPeer({
    name: "relay",
    cmd: [process.execPath, "run", join(import.meta.dir, "relay-baseline.ts")],
    dir,
    env: { RELAY_PORT: String(port) },
  });
  try {
    const deadline = performance.now() + 5000;
    while (!relay.log().includes('"port"') && performance.now() < deadline) await Bun.sleep(20);
    const rssBefore = rssKb(relay.pid);
    const legs: Leg[] = [];
    for (let i = 0; i < CALLS; i++) {
      const leg = await newLeg(i);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/${i}`);
      const connected = new Promise<void>((resolve, reject) => {
        ws.addEventListener("message", function first(e) {
          const m = JSON.parse(String(e.data)) as { event: string; rtpPort?: number };
          if (m.event !== "connected") return;
          leg.target.port = m.rtpPort ?? 0;
          ws.removeEventListener("message", first);
          resolve();
        });
        ws.addEventListener("error", () => reject(new Error("relay WebSocket failed")));
      });
      attachEcho(leg, ws);
      await connected;
      legs.push(leg);
    }
    const figures = await measure("bare relay", relay.pid, legs, rssBefore);
    for (const l of legs) {
      l.ws?.close();
      l.rtp.close();
    }
    return figures;
  } finally {
    await relay.stop();
  }
}

// -------------------------------------------------------------------------------------------
// The gateway: trunk-host INVITEs from an in-process UAC (RFC 3261 §8.1, §13.2.2.4 ACK, §15 BYE)

interface SipLeg {
  leg: Leg;
  callId: string;
  branch: string;
  toHeader: string;
  remoteTarget: string;
  answered: (code: number) => void;
  byeDone: () => void;
}

function header(msg: string, name: string): string | undefined {
  const re = new RegExp(`^${name}\\s*:\\s*(.*)$`, "im");
  return re.exec(msg)?.[1]?.trim();
}

async function runGateway(): Promise<Figures | string> {
  const [httpPort, sipPort] = await freePorts(2);
  const app = startFakeApp();
  const sipLegs = new Map<string, SipLeg>();
  const byFrom = new Map<string, Leg>();
  const apiKey = "bench-key";
  const toml = `
[listen]
http = "127.0.0.1:${httpPort}"

[server]
listen = "127.0.0.1:${sipPort}"

[[server.peers]]
name = "bench"
host = "127.0.0.1"

[webhook]
url = "${app.webhookUrl}"

[auth]
api_key = "${apiKey}"
`;
  app.decide = (req) => {
    const leg = byFrom.get(req.from);
    // Connect once the decision is on its way: the call exists (ringing) from now on.
    if (leg !== undefined)
      setTimeout(() => {
        const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ws/${req.call_id}`, {
          headers: { Authorization: `Bearer ${apiKey}` },
        });
        attachEcho(leg, ws);
      }, 20);
    return { kind: "accept", stream: true };
  };
  let gw: Awaited<ReturnType<typeof startGatewayProcess>>;
  try {
    gw = await startGatewayProcess({ toml, httpPort: httpPort!, env: { XBRIDGE_LOG_LEVEL: "warn" } });
  } catch (e) {
    await app.stop();
    return `gateway did not start with a [server] block: ${String(e).split("\n").slice(0, 3).join(" ")}`;
  }
  if (!(await waitForPort("udp", sipPort!, "127.0.0.1", 2000))) {
    await gw.proc.stop();
    await app.stop();
    return `nothing listens on the [server] SIP port ${sipPort} (call path not wired yet)`;
  }
  const sip = await Bun.udpSocket({
    hostname: "127.0.0.1",
    socket: {
      // ICMP port unreachable surfaces as a socket error: the call then times out (408).
      error() {},
      data(_s, buf) {
        const msg = buf.toString();
        const id = header(msg, "Call-ID") ?? header(msg, "i");
        const sl = id === undefined ? undefined : sipLegs.get(id);
        const status = /^SIP\/2\.0 (\d{3})/.exec(msg);
        if (sl === undefined || status === null) return;
        const code = Number(status[1]);
        const cseq = header(msg, "CSeq") ?? "";
        if (cseq.endsWith("BYE")) return sl.byeDone();
        if (code < 200) return;
        if (code < 300) {
          sl.toHeader = header(msg, "To") ?? header(msg, "t") ?? "";
          sl.remoteTarget = /<([^>]+)>/.exec(header(msg, "Contact") ?? header(msg, "m") ?? "")?.[1] ?? "";
          const port = /^m=audio (\d+)/m.exec(msg)?.[1];
          const host = /^c=IN IP4 (\S+)/m.exec(msg)?.[1];
          sl.leg.target = { host: host ?? "127.0.0.1", port: Number(port ?? 0) };
          sendAck(sl);
        }
        sl.answered(code);
      },
    },
  });
  const local = `127.0.0.1:${sip.port}`;
  const gwAddr = `127.0.0.1:${sipPort}`;
  const send = (text: string) => {
    try {
      sip.send(text, sipPort!, "127.0.0.1");
    } catch {
      // ECONNREFUSED from an earlier datagram; the affected call times out.
    }
  };
  const from = (i: number) => `<sip:bench${i}@127.0.0.1>;tag=b${i}`;
  const sendAck = (sl: SipLeg) =>
    send(
      `ACK ${sl.remoteTarget || `sip:echo@${gwAddr}`} SIP/2.0\r\nVia: SIP/2.0/UDP ${local};branch=${sl.branch}a\r\nMax-Forwards: 70\r\nFrom: ${from(Number(sl.callId.split("-")[1]))}\r\nTo: ${sl.toHeader}\r\nCall-ID: ${sl.callId}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n`,
    );

  const pid = gw.proc.pid;
  const rssBefore = rssKb(pid);
  const legs: Leg[] = [];
  try {
    const setupDeadline = performance.now() + SETUP_TIMEOUT_MS;
    for (let batch = 0; batch < CALLS; batch += 20) {
      const waits: Promise<number>[] = [];
      for (let i = batch; i < Math.min(CALLS, batch + 20); i++) {
        const leg = await newLeg(i);
        legs.push(leg);
        byFrom.set(`bench${i}`, leg);
        const callId = `bench-${i}-${Date.now()}@127.0.0.1`;
        const sdp = `v=0\r\no=- ${i} 1 IN IP4 127.0.0.1\r\ns=bench\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${leg.rtp.port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n`;
        const sl: SipLeg = {
          leg,
          callId,
          branch: `z9hG4bKbench${i}x${Date.now()}`,
          toHeader: "",
          remoteTarget: "",
          answered: () => {},
          byeDone: () => {},
        };
        sipLegs.set(callId, sl);
        waits.push(
          new Promise<number>((resolve) => {
            sl.answered = (code) => {
              if (code >= 200) resolve(code);
            };
            setTimeout(() => resolve(408), Math.max(0, setupDeadline - performance.now()));
          }),
        );
        send(
          `INVITE sip:echo@${gwAddr} SIP/2.0\r\nVia: SIP/2.0/UDP ${local};branch=${sl.branch};rport\r\nMax-Forwards: 70\r\nFrom: ${from(i)}\r\nTo: <sip:echo@${gwAddr}>\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nContact: <sip:bench${i}@${local}>\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
        );
      }
      const codes = await Promise.all(waits);
      const bad = codes.find((c) => c !== 200);
      if (bad !== undefined) return `call setup failed: INVITE answered ${bad} (408 = no answer in time)`;
    }
    // Every call needs its socket open before streaming starts.
    while (legs.some((l) => l.ws?.readyState !== WebSocket.OPEN) && performance.now() < setupDeadline)
      await Bun.sleep(20);
    if (legs.some((l) => l.ws?.readyState !== WebSocket.OPEN)) return "not every call WebSocket opened";
    return await measure("xbridge", pid, legs, rssBefore);
  } finally {
    let cseq = 2;
    const byes = [...sipLegs.values()].map(
      (sl) =>
        new Promise<void>((resolve) => {
          sl.byeDone = resolve;
          setTimeout(resolve, 2000);
          if (sl.toHeader === "") return resolve();
          send(
            `BYE ${sl.remoteTarget || `sip:echo@${gwAddr}`} SIP/2.0\r\nVia: SIP/2.0/UDP ${local};branch=${sl.branch}b${cseq++}\r\nMax-Forwards: 70\r\nFrom: ${from(Number(sl.callId.split("-")[1]))}\r\nTo: ${sl.toHeader}\r\nCall-ID: ${sl.callId}\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n`,
          );
        }),
    );
    await Promise.all(byes);
    for (const l of legs) {
      l.ws?.close();
      l.rtp.close();
    }
    sip.close();
    await gw.proc.stop();
    await app.stop();
  }
}

// -------------------------------------------------------------------------------------------

function row(f: Figures): string {
  const n = (v: number, d = 2) => (Number.isNaN(v) ? "n/a" : v.toFixed(d));
  return [
    f.name.padEnd(11),
    String(f.calls).padStart(5),
    n(f.cpuMsPerCallSecond).padStart(12),
    n(f.rssKbPerCall, 0).padStart(10),
    n(f.inLossPct).padStart(8),
    `${n(f.latP50, 1)} / ${n(f.latP99, 1)}`.padStart(14),
    n(f.backPps, 1).padStart(9),
    `${n(f.jitP50, 1)} / ${n(f.jitP99, 1)}`.padStart(14),
    n(f.driverCpuPct, 0).padStart(8),
  ].join(" ");
}

console.log(
  `calls.bench: ${CALLS} concurrent calls, ${DURATION_S} s each (warm-up ${WARMUP_MS} ms), PCMU 50 pps`,
);
const results: Figures[] = [await runRelay()];
let note = "";
if (process.env.GATEWAY !== "0") {
  const g = await runGateway();
  if (typeof g === "string") note = `xbridge: not measured — ${g}`;
  else results.push(g);
}
console.log(
  `${"system".padEnd(11)} ${"calls".padStart(5)} ${"cpu ms/call·s".padStart(12)} ${"rss KB/call".padStart(10)} ${"in loss%".padStart(8)} ${"RTP→WS p50/p99".padStart(14)} ${"back pps".padStart(9)} ${"pace jit p50/p99".padStart(14)} ${"driver%".padStart(8)}`,
);
for (const f of results) console.log(row(f));
if (note) console.log(note);
console.log(`(repo ${REPO}; CPU and RSS are of the measured process only; latency in ms)`);
