/**
 * A test client for the call audio WebSocket (spec/websocket.md): connects to `/ws/{call_id}`
 * in Twilio mode (JSON, base64 μ-law or L16 payloads, §3–§4) or native mode (binary PCM16
 * frames, §5), records every server message in order, decodes caller audio to PCM16 8 kHz,
 * and sends audio, marks and clears. Also `probeUpgrade`, which reads the plain HTTP status of
 * a refused upgrade (§1: failures are HTTP responses, no socket is opened).
 */
import { ULAW_DECODE, ULAW_ENCODE } from "../../src/codec/g711-tables.ts";

export type StreamMode = "twilio" | "native";
export type StreamEncoding = "audio/x-mulaw" | "audio/x-l16";

/** A JSON text message from the server (§3); fields beyond `event` depend on the event. */
export interface ServerMessage {
  readonly event: string;
  readonly sequenceNumber?: string;
  readonly streamSid?: string;
  readonly start?: {
    accountSid: string;
    streamSid: string;
    callSid: string;
    tracks: string[];
    customParameters: Record<string, string>;
    mediaFormat: { encoding: string; sampleRate: number; channels: number };
  };
  readonly media?: { track: string; chunk: string; timestamp: string; payload: string };
  readonly dtmf?: { track: string; digit: string };
  readonly mark?: { name: string };
  readonly stop?: { accountSid: string; callSid: string };
  readonly [key: string]: unknown;
}

/** One server message with its arrival time (performance.now(), ms). */
export interface Received {
  readonly message: ServerMessage;
  readonly at: number;
}

/** One 20 ms frame of caller audio as the client received it. */
export interface AudioFrame {
  readonly pcm: Int16Array;
  readonly at: number;
}

export interface CallSocketOptions {
  /** Gateway base URL, `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  readonly callId: string;
  /** Omitted → no `mode` query parameter (Twilio mode by default). */
  readonly mode?: StreamMode;
  /** Sent as `Authorization: Bearer …` (or as `?token=` when `tokenInQuery`). */
  readonly apiKey?: string;
  readonly tokenInQuery?: boolean;
  /** Twilio-mode payload encoding the gateway is configured with (`stream.encoding`). */
  readonly encoding?: StreamEncoding;
  /** Give up opening after this long. */
  readonly openTimeoutMs?: number;
}

/** μ-law bytes → PCM16 (G.711 table decode). */
export function decodeUlaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ULAW_DECODE[bytes[i]!]!;
  return out;
}

/** PCM16 → μ-law bytes (G.711 table encode). */
export function encodeUlaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = ULAW_ENCODE[pcm[i]! & 0xffff]!;
  return out;
}

/** Little-endian PCM16 bytes → samples (copies, so odd offsets are fine). */
export function decodeL16(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** Samples → little-endian PCM16 bytes. */
export function encodeL16(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i]!, true);
  return out;
}

/** A native-mode audio frame (§5): tag 0x01, 16-bit big-endian length, PCM16 LE. */
export function nativeFrame(pcm: Int16Array): Uint8Array {
  const body = encodeL16(pcm);
  const out = new Uint8Array(3 + body.length);
  out[0] = 0x01;
  out[1] = body.length >> 8;
  out[2] = body.length & 0xff;
  out.set(body, 3);
  return out;
}

function wsUrl(o: CallSocketOptions): string {
  const u = new URL(`/ws/${o.callId}`, o.baseUrl.replace(/^http/, "ws"));
  if (o.mode !== undefined) u.searchParams.set("mode", o.mode);
  if (o.apiKey !== undefined && o.tokenInQuery === true) u.searchParams.set("token", o.apiKey);
  return u.toString();
}

export class CallSocket {
  readonly received: Received[] = [];
  readonly audio: AudioFrame[] = [];
  /** Resolves with the close code and reason once the socket is closed (by either side). */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();
  private streamSid = "";

  private constructor(
    private readonly ws: WebSocket,
    readonly options: CallSocketOptions,
  ) {
    ws.binaryType = "arraybuffer";
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (e) => {
        resolve({ code: e.code, reason: e.reason });
        this.wake();
      });
    });
    ws.addEventListener("message", (e) => this.onMessage(e.data));
  }

  /** Opens the socket; rejects when the upgrade is refused or `openTimeoutMs` passes. */
  static connect(options: CallSocketOptions): Promise<CallSocket> {
    const headers: Record<string, string> = {};
    if (options.apiKey !== undefined && options.tokenInQuery !== true)
      headers.Authorization = `Bearer ${options.apiKey}`;
    const ws = new WebSocket(wsUrl(options), { headers });
    const socket = new CallSocket(ws, options);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error("WebSocket open timed out"));
      }, options.openTimeoutMs ?? 3000);
      ws.addEventListener("open", () => {
        clearTimeout(timer);
        resolve(socket);
      });
      ws.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`WebSocket to ${wsUrl(options)} failed`));
      });
    });
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  private onMessage(data: unknown): void {
    const at = performance.now();
    if (typeof data === "string") {
      let message: ServerMessage;
      try {
        message = JSON.parse(data) as ServerMessage;
      } catch {
        message = { event: "<not json>", raw: data };
      }
      if (message.event === "start" && message.start !== undefined) this.streamSid = message.start.streamSid;
      if (message.event === "media" && message.media !== undefined) {
        const bytes = Uint8Array.fromBase64(message.media.payload);
        const pcm = this.options.encoding === "audio/x-l16" ? decodeL16(bytes) : decodeUlaw(bytes);
        this.audio.push({ pcm, at });
      }
      this.received.push({ message, at });
    } else if (data instanceof ArrayBuffer) {
      const bytes = new Uint8Array(data);
      // §5: only well-formed frames count as audio; anything else is recorded as an oddity.
      const n = bytes.length >= 3 ? (bytes[1]! << 8) | bytes[2]! : -1;
      if (bytes[0] === 0x01 && n === bytes.length - 3)
        this.audio.push({ pcm: decodeL16(bytes.subarray(3)), at });
      else this.received.push({ message: { event: "<bad binary>", length: bytes.length }, at });
    }
    this.wake();
  }

  /** Server messages of one event type, in arrival order. */
  messages(event: string): ServerMessage[] {
    return this.received.filter((r) => r.message.event === event).map((r) => r.message);
  }

  /** Event names in arrival order, without `media` (for lifecycle assertions). */
  timeline(): string[] {
    return this.received.map((r) => r.message.event).filter((e) => e !== "media");
  }

  /** All caller audio so far (from frame `fromFrame`) as one PCM16 8 kHz buffer. */
  pcm(fromFrame = 0): Int16Array {
    const frames = this.audio.slice(fromFrame);
    const out = new Int16Array(frames.reduce((n, f) => n + f.pcm.length, 0));
    let o = 0;
    for (const f of frames) {
      out.set(f.pcm, o);
      o += f.pcm.length;
    }
    return out;
  }

  /** Resolves once `ready()` is true; rejects after `timeoutMs` naming `what`. */
  async until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ready()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.timeline().join(",")}`),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Waits for the n-th (1-based) message of `event` and returns it with its arrival time. */
  async waitFor(event: string, timeoutMs: number, n = 1): Promise<Received> {
    const find = () => this.received.filter((r) => r.message.event === event)[n - 1];
    await this.until(() => find() !== undefined, timeoutMs, `${event} #${n}`);
    return find()!;
  }

  /** Waits until at least `count` audio frames arrived. */
  async waitForAudio(count: number, timeoutMs: number): Promise<void> {
    await this.until(() => this.audio.length >= count, timeoutMs, `${count} audio frames`);
  }

  private sendJson(message: object): void {
    this.ws.send(JSON.stringify({ streamSid: this.streamSid, ...message }));
  }

  /**
   * Queues PCM16 8 kHz audio for the caller: Twilio mode as one `media` message per
   * `chunkSamples` (payload per `encoding`), native mode as binary frames (§5, ≤ 32767 samples).
   */
  sendAudio(pcm: Int16Array, chunkSamples = 160): void {
    const native = this.options.mode === "native";
    const step = native ? Math.min(chunkSamples, 32767) : chunkSamples;
    for (let i = 0; i < pcm.length; i += step) {
      const part = pcm.subarray(i, Math.min(pcm.length, i + step));
      if (native) this.ws.send(nativeFrame(part));
      else {
        const bytes = this.options.encoding === "audio/x-l16" ? encodeL16(part) : encodeUlaw(part);
        this.sendJson({ event: "media", media: { payload: bytes.toBase64() } });
      }
    }
  }

  /** Sends raw bytes as a Twilio `media` payload (already μ-law / L16). */
  sendPayload(bytes: Uint8Array): void {
    this.sendJson({ event: "media", media: { payload: bytes.toBase64() } });
  }

  sendMark(name: string): void {
    this.sendJson({ event: "mark", mark: { name } });
  }

  sendClear(): void {
    this.sendJson({ event: "clear" });
  }

  /** Sends any text or binary message as is (malformed-input tests). */
  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  close(code = 1000): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code);
  }
}

/**
 * Sends a WebSocket upgrade request over plain TCP and returns the HTTP status and body of
 * the answer (101 when the server would open the socket). Lets tests assert §1's 401/400/404/
 * 403/409 answers, which a WebSocket client API hides.
 */
export async function probeUpgrade(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 3000,
): Promise<{ status: number; body: string }> {
  const url = new URL(baseUrl);
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    "",
    "",
  ];
  let text = "";
  const { promise, resolve } = Promise.withResolvers<void>();
  const socket = await Bun.connect({
    hostname: url.hostname,
    port: Number(url.port),
    socket: {
      data(_s, chunk) {
        text += new TextDecoder().decode(chunk);
        const head = text.indexOf("\r\n\r\n");
        if (head < 0) return;
        if (text.startsWith("HTTP/1.1 101")) return resolve();
        const length = /content-length:\s*(\d+)/i.exec(text.slice(0, head));
        if (length === null || text.length >= head + 4 + Number(length[1])) resolve();
      },
      close() {
        resolve();
      },
    },
  });
  socket.write(lines.join("\r\n"));
  const timer = setTimeout(resolve, timeoutMs);
  await promise;
  clearTimeout(timer);
  socket.end();
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  return { status, body: text.slice(text.indexOf("\r\n\r\n") + 4) };
}
