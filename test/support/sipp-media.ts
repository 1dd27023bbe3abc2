/**
 * sipp 3.6.1 as a caller with RTP, for the call interop tests (issue #5): raw tone files for
 * `rtp_stream` (PT 0 μ-law, PT 8 A-law, PT 9 G.722; 160 bytes per 20 ms, no header — sipp
 * would send a WAV header as audio), `play_pcap_audio` of the sip-tester g711a.pcap, and the
 * scenarios in test/interop/sipp-calls/ (copied from ../shared/peers/sipp and extended).
 * sipp runs in the foreground of its own process, so the PID we hold is sipp itself; it is
 * stopped by that PID only.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readPcap, type UdpDatagram, udpDatagrams } from "./pcap.ts";
import { freePorts, type PeerProcess, portsFree, spawnPeer } from "./peers.ts";
import { isRtp, rtpPayload } from "./rtp.ts";

export const SIPP_SCENARIOS = resolve(import.meta.dir, "../interop/sipp-calls");
/** The 8 s PCMA pcap (30 ms packets) shipped by Debian's sip-tester. */
export const G711A_PCAP = "/usr/share/sip-tester/g711a.pcap";

export type SippCodec = "pcmu" | "pcma" | "g722";

/** Payload type and rtpmap name sipp offers for each codec (RFC 3551 static types). */
export const SIPP_CODECS: Record<SippCodec, { pt: number; name: string }> = {
  pcmu: { pt: 0, name: "PCMU/8000" },
  pcma: { pt: 8, name: "PCMA/8000" },
  g722: { pt: 9, name: "G722/8000" },
};

function run(cmd: string[], stdin?: Uint8Array): Uint8Array {
  const r = Bun.spawnSync(cmd, { stdin: stdin ?? "ignore", stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd[0]} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * Writes `seconds` of a `hz` sine at half scale in the raw format sipp's `rtp_stream` sends
 * for `codec` (sox -D for G.711, sox | ffmpeg for G.722, as ../shared/peers/lib/common.sh).
 */
export function makeToneFile(path: string, codec: SippCodec, hz: number, seconds: number): string {
  const synth = ["synth", String(seconds), "sine", String(hz), "vol", "0.5"];
  if (codec === "pcmu")
    run(["sox", "-D", "-n", "-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw", path, ...synth]);
  else if (codec === "pcma")
    run(["sox", "-D", "-n", "-r", "8000", "-c", "1", "-e", "a-law", "-t", "raw", path, ...synth]);
  else {
    const pcm = run([
      "sox",
      "-D",
      "-n",
      "-r",
      "16000",
      "-c",
      "1",
      "-b",
      "16",
      "-e",
      "signed",
      "-t",
      "raw",
      "-",
      ...synth,
    ]);
    const g722 = ["-f", "s16le", "-ar", "16000", "-ac", "1", "-i", "-", "-c:a", "g722", "-f", "g722", path];
    run(["ffmpeg", "-loglevel", "error", "-y", ...g722], pcm);
  }
  return path;
}

/** Copies a scenario into `dir`, replacing `@NAME@` placeholders (sipp cannot key a response code). */
export function scenarioCopy(dir: string, file: string, placeholders: Record<string, string> = {}): string {
  let xml = readFileSync(join(SIPP_SCENARIOS, file), "utf8");
  for (const [k, v] of Object.entries(placeholders)) xml = xml.replaceAll(`@${k}@`, v);
  const out = join(dir, file);
  writeFileSync(out, xml);
  return out;
}

export interface SippCallOptions {
  /** Scratch dir: sipp writes its stat/screen/error files and log here. */
  dir: string;
  /** The gateway's SIP address. */
  target: { host: string; port: number };
  /** Scenario file (absolute, e.g. from scenarioCopy or join(SIPP_SCENARIOS, …)). */
  scenario: string;
  /** Local SIP port, RTP port (even) and control port (binds 0.0.0.0, receive-only). */
  sipPort: number;
  mediaPort: number;
  ctrlPort: number;
  /** Local address (127.0.0.2 to be an unknown peer). Default 127.0.0.1. */
  localIp?: string;
  service?: string;
  /** `-key` values; put before `-sf` (sipp substitutes keys while loading the scenario). */
  keys?: Record<string, string>;
  /** `-d`: the scenario's `<pause/>`. */
  durationMs?: number;
  /** Global `-timeout` in seconds (then exit code 97 / failure). */
  timeoutS?: number;
  /** Digest credentials (`-au`/`-ap`). */
  auth?: { username: string; password: string };
  calls?: number;
  name?: string;
  extraArgs?: string[];
}

/** Starts sipp in the background; `waitExit(peer, ms)` gives 0 when every call passed. */
export function startSipp(o: SippCallOptions): PeerProcess {
  const ip = o.localIp ?? "127.0.0.1";
  const keys = Object.entries(o.keys ?? {}).flatMap(([k, v]) => ["-key", k, v]);
  const auth = o.auth === undefined ? [] : ["-au", o.auth.username, "-ap", o.auth.password];
  const calls = String(o.calls ?? 1);
  const cmd = [
    "sipp",
    `${o.target.host}:${o.target.port}`,
    ...keys,
    "-sf",
    o.scenario,
    "-s",
    o.service ?? "echo",
    "-i",
    ip,
    "-p",
    String(o.sipPort),
    "-mi",
    ip,
    "-mp",
    String(o.mediaPort),
    "-cp",
    String(o.ctrlPort),
    "-nostdin",
    "-d",
    String(o.durationMs ?? 3000),
    "-m",
    calls,
    "-r",
    calls,
    "-l",
    calls,
    "-timeout",
    String(o.timeoutS ?? 15),
    "-timeout_error",
    ...auth,
    "-trace_stat",
    "-stf",
    join(o.dir, "sipp_stat.csv"),
    "-trace_screen",
    "-screen_file",
    join(o.dir, "sipp_screen.log"),
    "-trace_err",
    "-error_file",
    join(o.dir, "sipp_errors.log"),
    "-trace_msg",
    "-message_file",
    join(o.dir, "sipp_messages.log"),
    ...(o.extraArgs ?? []),
  ];
  return spawnPeer({ name: o.name ?? "sipp", cmd, dir: o.dir });
}

/** Keys for uac_rtp.xml-style scenarios: offer `codec`, stream `audioFile` in a loop. */
export function rtpKeys(codec: SippCodec, audioFile: string): Record<string, string> {
  const c = SIPP_CODECS[codec];
  return { codec_pt: String(c.pt), codec_name: c.name, rtp_audio: `${audioFile},-1,${c.pt}` };
}

/** sipp's SIP trace (what it sent and received), for assertion messages. */
export function sippMessages(dir: string): string {
  try {
    return readFileSync(join(dir, "sipp_messages.log"), "utf8");
  } catch {
    return "";
  }
}

/** A running tshark capture (see startCapture). */
export interface Capture {
  readonly peer: PeerProcess;
  readonly path: string;
  /** The port the 1-byte probe datagrams go to (inside the filter; skip it when counting). */
  readonly probePort: number;
  /** Flushes (a last probe must reach the file, so every packet before it did), then stops tshark. */
  stop(): Promise<void>;
}

/** Datagrams to `port` in the capture file so far (0 while the file is incomplete). */
function probesIn(path: string, port: number): number {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    return 0;
  }
  const pcap = readPcap(bytes);
  return pcap.ok ? udpDatagrams(pcap.value).filter((d) => d.dstPort === port).length : 0;
}

/**
 * Sends 1-byte probes to `port` every 50 ms until the capture file holds more than `seen` of
 * them; false after `ms`. Nothing listens on the probe port: the ICMP port-unreachable comes
 * back as a socket error, which is ignored.
 */
async function probeUntilCaptured(path: string, port: number, seen: number, ms: number): Promise<boolean> {
  const probe = await Bun.udpSocket({ hostname: "127.0.0.1", socket: { error() {} } });
  try {
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) {
      probe.send(new Uint8Array([0]), port, "127.0.0.1");
      await Bun.sleep(50);
      if (probesIn(path, port) > seen) return true;
    }
    return false;
  } finally {
    probe.close();
  }
}

/**
 * Captures UDP on `lo` to `<dir>/<name>.pcap` with tshark (classic pcap, a BPF naming only the
 * test's ports plus a probe port; needs root). Resolves once a probe datagram really landed in
 * the file: tshark prints "Capturing on" a moment before dumpcap's filter is live, and a fixed
 * wait after it lost the first packets on a loaded machine. Stop it with `stop()`, which waits
 * for a last probe to reach the file (dumpcap hands packets over in batches), then read the file
 * with test/support/pcap.ts and `rtpPayloads`.
 */
export async function startCapture(dir: string, name: string, bpf: string): Promise<Capture> {
  const path = join(dir, `${name}.pcap`);
  const [probePort] = (await freePorts(1)) as [number];
  const peer = spawnPeer({
    name,
    cmd: [
      "tshark",
      "-q",
      "-i",
      "lo",
      "-F",
      "pcap",
      "-w",
      path,
      "-f",
      `(${bpf}) or udp dst port ${probePort}`,
    ],
    dir,
  });
  let ended = false;
  void peer.exited.then(() => {
    ended = true;
  });
  const deadline = performance.now() + 10_000;
  // tshark prints "Capturing on 'Loopback: lo'" once dumpcap runs; probing before is wasted.
  while (!peer.log().includes("Capturing on") && performance.now() < deadline) await Bun.sleep(25);
  if (!(await probeUntilCaptured(path, probePort, 0, Math.max(deadline - performance.now(), 1000)))) {
    await peer.stop();
    throw new Error(`tshark captured nothing in 10 s (${path}):\n${peer.log()}`);
  }
  return {
    peer,
    path,
    probePort,
    async stop() {
      if (!ended) await probeUntilCaptured(path, probePort, probesIn(path, probePort), 5000);
      await peer.stop();
    },
  };
}

/** The UDP datagrams of a finished capture file, in capture order (throws when unreadable). */
export function capturedDatagrams(path: string): UdpDatagram[] {
  const pcap = readPcap(new Uint8Array(readFileSync(path)));
  if (!pcap.ok) throw new Error(`capture ${path} unreadable: ${pcap.error.reason}`);
  return udpDatagrams(pcap.value);
}

/** RTP payloads of payload type `pt` in UDP payloads sent to `dstPort`, in capture order. */
export function rtpPayloads(datagrams: readonly UdpDatagram[], dstPort: number, pt: number): Uint8Array[] {
  return datagrams
    .filter((d) => d.dstPort === dstPort && isRtp(d.payload, pt))
    .map((d) => rtpPayload(d.payload));
}

/**
 * Writes a classic pcap (Ethernet, IPv4, UDP) of RTP packets carrying `payloads` with payload
 * type `pt`, one every `ptimeMs`, for sipp's `play_pcap_audio` (which keeps the packet timing
 * and payload, and rewrites addresses and ports to the call's).
 */
export function writeRtpPcap(
  path: string,
  payloads: readonly Uint8Array[],
  pt: number,
  ptimeMs = 20,
): string {
  const records: Uint8Array[] = [];
  const header = new Uint8Array(24);
  const h = new DataView(header.buffer);
  h.setUint32(0, 0xa1b2c3d4, true);
  h.setUint16(4, 2, true);
  h.setUint16(6, 4, true);
  h.setUint32(16, 65535, true);
  h.setUint32(20, 1, true); // LINKTYPE_ETHERNET
  records.push(header);
  payloads.forEach((payload, i) => {
    const rtpLen = 12 + payload.length;
    const frameLen = 14 + 20 + 8 + rtpLen;
    const rec = new Uint8Array(16 + frameLen);
    const v = new DataView(rec.buffer);
    const us = i * ptimeMs * 1000;
    v.setUint32(0, 1_700_000_000 + Math.floor(us / 1e6), true);
    v.setUint32(4, us % 1e6, true);
    v.setUint32(8, frameLen, true);
    v.setUint32(12, frameLen, true);
    const e = 16;
    v.setUint16(e + 12, 0x0800); // EtherType IPv4
    const ip = e + 14;
    rec[ip] = 0x45;
    v.setUint16(ip + 2, 20 + 8 + rtpLen);
    rec[ip + 8] = 64;
    rec[ip + 9] = 17;
    rec.set([10, 0, 0, 1], ip + 12);
    rec.set([10, 0, 0, 2], ip + 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += v.getUint16(ip + k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    v.setUint16(ip + 10, ~sum & 0xffff);
    const udp = ip + 20;
    v.setUint16(udp, 16000);
    v.setUint16(udp + 2, 16002);
    v.setUint16(udp + 4, 8 + rtpLen);
    const rtp = udp + 8;
    rec[rtp] = 0x80;
    rec[rtp + 1] = pt & 0x7f;
    v.setUint16(rtp + 2, i & 0xffff);
    v.setUint32(rtp + 4, i * payload.length);
    v.setUint32(rtp + 8, 0x7e57ca11);
    rec.set(payload, rtp + 12);
    records.push(rec);
  });
  writeFileSync(path, Buffer.concat(records));
  return path;
}

/** A sipp caller against the gateway's trunk host, with its own free ports. */
export interface GatewayCallOptions {
  dir: string;
  gatewaySipPort: number;
  /** A scenario file name in test/interop/sipp-calls/ (copied with `placeholders`). */
  scenario: string;
  placeholders?: Record<string, string>;
  keys?: Record<string, string>;
  durationMs?: number;
  localIp?: string;
  auth?: { username: string; password: string };
  timeoutS?: number;
  name?: string;
}

/**
 * A media port for sipp's `-mp`: sipp binds four consecutive UDP ports from it (audio RTP and
 * RTCP, then video RTP and RTCP) and fails the call when one is taken, so all four must be free.
 * The other helper ports of a test come from freePorts, which keeps them off the block.
 */
export async function sippMediaPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [candidate] = (await freePorts(1)) as [number];
    const base = candidate - (candidate % 2);
    if (await portsFree(base, 4)) return base;
  }
  throw new Error("no block of 4 free UDP ports for sipp's media");
}

export async function callGateway(o: GatewayCallOptions): Promise<{ sipp: PeerProcess; mediaPort: number }> {
  const mediaPort = await sippMediaPort();
  const [sipPort, ctrlPort] = await freePorts(2, [mediaPort, mediaPort + 1, mediaPort + 2, mediaPort + 3]);
  const sipp = startSipp({
    dir: o.dir,
    target: { host: "127.0.0.1", port: o.gatewaySipPort },
    scenario: scenarioCopy(o.dir, o.scenario, o.placeholders),
    sipPort: sipPort!,
    mediaPort,
    ctrlPort: ctrlPort!,
    ...(o.localIp === undefined ? {} : { localIp: o.localIp }),
    ...(o.keys === undefined ? {} : { keys: o.keys }),
    ...(o.durationMs === undefined ? {} : { durationMs: o.durationMs }),
    ...(o.auth === undefined ? {} : { auth: o.auth }),
    ...(o.timeoutS === undefined ? {} : { timeoutS: o.timeoutS }),
    ...(o.name === undefined ? {} : { name: o.name }),
  });
  return { sipp, mediaPort };
}

/** The default keys of every scenario here: offer PCMU, stream nothing in particular. */
export function defaultKeys(dir: string): Record<string, string> {
  const file = join(dir, "tone1k.ulaw");
  return rtpKeys("pcmu", makeToneFile(file, "pcmu", 1000, 10));
}
