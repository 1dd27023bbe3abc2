/**
 * baresip 1.0.0 as a headless caller for the call interop tests (issue #5), after
 * ../shared/peers/baresip/make_config.sh: a config dir on loopback (SIP, RTP range, ctrl_tcp,
 * DNS), audio in = `aufile` playing a WAV tone at the first codec's rate (when the WAV ends
 * baresip hangs up, so its length caps the call), audio out = the `aubridge` null player, and
 * the `sndfile` filter recording what was received (`rec/dump-…-dec.wav`) and sent
 * (`…-enc.wav`) at the codec's rate. Driven through ctrl_tcp (JSON in netstrings): `dial`,
 * `hangup`, and events such as CALL_ESTABLISHED / CALL_CLOSED. Stopped by PID (SIGTERM hangs up
 * and finalises the WAVs).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type PeerProcess, spawnPeer, waitForPort } from "./peers.ts";
import { tone } from "./tone.ts";

export type BaresipCodec = "pcmu" | "pcma" | "g722" | "opus";

/** baresip's aucodec names (full names are required: plain `G722` is not found) and rates. */
export const BARESIP_CODECS: Record<BaresipCodec, { name: string; rate: number }> = {
  pcmu: { name: "PCMU/8000/1", rate: 8000 },
  pcma: { name: "PCMA/8000/1", rate: 8000 },
  g722: { name: "G722/16000/1", rate: 16000 },
  opus: { name: "opus/48000/2", rate: 48000 },
};

export interface BaresipOptions {
  dir: string;
  user?: string;
  sipPort: number;
  /** RTP/RTCP range, e.g. [p, p + 9]; give each instance its own. */
  rtpPorts: [number, number];
  ctrlPort: number;
  /** Offered codecs in preference order. */
  codecs: BaresipCodec[];
  answer?: "auto" | "manual";
  toneHz?: number;
  toneSeconds?: number;
  /** Digest password (auth_pass) for a peer that challenges. */
  password?: string;
}

/** Writes a 16-bit mono PCM WAV. */
export function writeWav(path: string, pcm: Int16Array, rate: number): void {
  const data = pcm.length * 2;
  const buf = new Uint8Array(44 + data);
  const v = new DataView(buf.buffer);
  const ascii = (o: number, s: string) => {
    for (let i = 0; i < s.length; i++) buf[o + i] = s.charCodeAt(i);
  };
  ascii(0, "RIFF");
  v.setUint32(4, 36 + data, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, "data");
  v.setUint32(40, data, true);
  for (let i = 0; i < pcm.length; i++) v.setInt16(44 + i * 2, pcm[i]!, true);
  writeFileSync(path, buf);
}

/** Reads a 16-bit PCM WAV (walks the RIFF chunks); returns channel 0 and the rate. */
export function readWav(path: string): { rate: number; channels: number; samples: Int16Array } {
  const b = readFileSync(path);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let rate = 0;
  let channels = 1;
  let o = 12;
  while (o + 8 <= b.length) {
    const id = b.subarray(o, o + 4).toString();
    let size = v.getUint32(o + 4, true);
    if (id === "fmt ") {
      channels = v.getUint16(o + 10, true);
      rate = v.getUint32(o + 12, true);
    } else if (id === "data") {
      // sndfile leaves the size at 0 / max until the file is finalised: use what is present.
      if (size === 0 || o + 8 + size > b.length) size = b.length - o - 8;
      const frames = Math.floor(size / 2 / channels);
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = v.getInt16(o + 8 + i * 2 * channels, true);
      return { rate, channels, samples };
    }
    o += 8 + size + (size & 1);
  }
  return { rate, channels, samples: new Int16Array(0) };
}

/** Writes config, accounts, contacts and the tone WAV into `o.dir`. */
export function writeBaresipConfig(o: BaresipOptions): void {
  const rate = BARESIP_CODECS[o.codecs[0] ?? "pcmu"].rate;
  const wav = join(o.dir, `tone_${o.toneHz ?? 1000}.wav`);
  writeWav(wav, tone(o.toneHz ?? 1000, rate, rate * (o.toneSeconds ?? 30), 16384), rate);
  const codecs = o.codecs.map((c) => BARESIP_CODECS[c].name).join(",");
  let params = `;answermode=${o.answer ?? "auto"};audio_codecs=${codecs};ptime=20;regint=0`;
  if (o.password !== undefined) params += `;auth_pass=${o.password}`;
  writeFileSync(join(o.dir, "accounts"), `<sip:${o.user ?? "alice"}@127.0.0.1>${params}\n`);
  writeFileSync(join(o.dir, "contacts"), "");
  Bun.spawnSync(["mkdir", "-p", join(o.dir, "rec")]);
  const config = [
    "poll_method epoll",
    `sip_listen 127.0.0.1:${o.sipPort}`,
    "call_local_timeout 120",
    "call_max_calls 4",
    "audio_player aubridge,null_play",
    `audio_source aufile,${wav}`,
    "audio_alert aubridge,null_alert",
    `ausrc_srate ${rate}`,
    "ausrc_channels 1",
    "audio_buffer 20-160",
    "audio_level no",
    "ausrc_format s16",
    "auplay_format s16",
    "auenc_format s16",
    "audec_format s16",
    "net_interface 127.0.0.1",
    `rtp_ports ${o.rtpPorts[0]}-${o.rtpPorts[1]}`,
    "rtp_tos 0",
    "rtcp_mux no",
    "jitter_buffer_delay 0-10",
    "dns_server 127.0.0.1:53",
    "module_path /usr/lib/baresip/modules",
    ...["g711", "g722", "opus", "aufile", "aubridge", "sndfile"].map((m) => `module ${m}.so`),
    "module_tmp account.so",
    "module_app menu.so",
    "module_app ctrl_tcp.so",
    `ctrl_tcp_listen 127.0.0.1:${o.ctrlPort}`,
    `snd_path ${join(o.dir, "rec")}`,
    "statmode_default off",
    "ringback_disabled yes",
    "opus_bitrate 32000",
  ];
  writeFileSync(join(o.dir, "config"), `${config.join("\n")}\n`);
}

/** A ctrl_tcp event or command response. */
export interface BaresipMessage {
  event?: boolean;
  type?: string;
  param?: string;
  response?: boolean;
  ok?: boolean;
  data?: string;
  token?: string;
  [key: string]: unknown;
}

/** ctrl_tcp client: netstring-framed JSON (`<len>:<json>,`); baresip accepts one client. */
export class BaresipCtrl {
  readonly messages: BaresipMessage[] = [];
  private buf = "";
  private token = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: Awaited<ReturnType<typeof Bun.connect>>) {}

  static async connect(port: number): Promise<BaresipCtrl> {
    let self: BaresipCtrl | undefined;
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data(_s, chunk) {
          self?.onData(new TextDecoder().decode(chunk));
        },
      },
    });
    self = new BaresipCtrl(socket);
    return self;
  }

  private onData(text: string): void {
    this.buf += text;
    for (;;) {
      const colon = this.buf.indexOf(":");
      if (colon < 0) break;
      const n = Number(this.buf.slice(0, colon));
      if (!Number.isInteger(n) || this.buf.length < colon + 1 + n + 1) break;
      try {
        this.messages.push(JSON.parse(this.buf.slice(colon + 1, colon + 1 + n)) as BaresipMessage);
      } catch {
        // not JSON: skip the netstring
      }
      this.buf = this.buf.slice(colon + 1 + n + 1);
    }
    for (const w of this.waiters) w();
  }

  private until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = find();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = find();
        if (v === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const seen = this.messages.map((m) => m.type ?? (m.response ? "response" : "?")).join(",");
        reject(new Error(`baresip: timed out after ${timeoutMs} ms waiting for ${what}; saw ${seen}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Sends a command (`dial`, `hangup`, …) and resolves its response. */
  command(command: string, params?: string, timeoutMs = 5000): Promise<BaresipMessage> {
    const token = `t${++this.token}`;
    const body = JSON.stringify(params === undefined ? { command, token } : { command, params, token });
    this.socket.write(`${Buffer.byteLength(body)}:${body},`);
    return this.until(() => this.messages.find((m) => m.response && m.token === token), timeoutMs, command);
  }

  /** Resolves the first event of `type` (already received or future). */
  waitEvent(type: string, timeoutMs: number): Promise<BaresipMessage> {
    return this.until(() => this.messages.find((m) => m.event && m.type === type), timeoutMs, type);
  }

  events(): string[] {
    return this.messages.filter((m) => m.event).map((m) => m.type ?? "");
  }

  close(): void {
    this.socket.end();
  }
}

export interface Baresip {
  readonly peer: PeerProcess;
  readonly ctrl: BaresipCtrl;
  readonly dir: string;
  /** The newest received (`dec`) or sent (`enc`) recording, once the call has ended. */
  recording(kind: "dec" | "enc"): string | undefined;
  stop(): Promise<void>;
}

/** Writes the config, starts baresip and connects ctrl_tcp. */
export async function startBaresip(o: BaresipOptions): Promise<Baresip> {
  writeBaresipConfig(o);
  const peer = spawnPeer({ name: "baresip", cmd: ["baresip", "-f", o.dir], dir: o.dir });
  if (!(await waitForPort("tcp", o.ctrlPort, "127.0.0.1", 5000))) {
    await peer.stop();
    throw new Error(`baresip did not open ctrl_tcp:\n${peer.log()}`);
  }
  const ctrl = await BaresipCtrl.connect(o.ctrlPort);
  return {
    peer,
    ctrl,
    dir: o.dir,
    recording(kind) {
      const files = readdirSync(join(o.dir, "rec"))
        .filter((f) => f.endsWith(`-${kind}.wav`))
        .sort();
      const last = files.at(-1);
      return last === undefined ? undefined : join(o.dir, "rec", last);
    },
    async stop() {
      ctrl.close();
      await peer.stop();
    },
  };
}
