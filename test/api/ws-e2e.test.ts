/**
 * The call-audio WebSocket end to end on loopback (spec/websocket.md): the API app served by
 * a real Bun.serve on 127.0.0.1 with the exported `websocket` handler, a fake StreamCallPort,
 * and a real WebSocket client that receives connected/start/media/stop, sends audio and marks
 * and gets the mark echoes; handshake failures over real HTTP; native frames; the 1009 close.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createApiApp } from "../../src/api/create-api-app.ts";
import { buildHealthReport } from "../../src/api/health.ts";
import { createWsHandler, streamMetricsOf, type WsData, wsRoutes } from "../../src/api/routes/ws.ts";
import { ULAW_ENCODE } from "../../src/codec/g711-tables.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../src/runtime/system-clock.ts";
import { StreamHub } from "../../src/stream/stream-hub.ts";
import { FakeCall, frameOf } from "../stream/fakes.ts";

const calls = new Map<string, FakeCall>();
const metrics = createMetrics();
const hub = new StreamHub({
  clock: systemClock,
  timers: createSystemTimers(),
  random: cryptoRandom,
  logger: nullLogger,
  metrics: streamMetricsOf(metrics),
  encoding: "audio/x-mulaw",
  findCall: (id) => calls.get(id),
});
const app = createApiApp({
  apiKey: "k",
  clock: systemClock,
  metrics,
  logger: nullLogger,
  health: () => buildHealthReport({ trunks: [], sipServerListening: false, activeCalls: 0 }),
  routes: [wsRoutes(hub)],
});
const server = Bun.serve<WsData>({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req, srv) => app.fetch(req, { server: srv }),
  websocket: createWsHandler(hub),
});
const base = `127.0.0.1:${server.port}`;

afterAll(() => {
  hub.closeAll();
  server.stop(true);
});

/** A client that records every message and lets the test wait for one. */
class Client {
  readonly texts: Record<string, unknown>[] = [];
  readonly binaries: Uint8Array[] = [];
  closed: { code: number } | undefined;
  private waiters: (() => void)[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;

  constructor(path: string) {
    this.ws = new WebSocket(`ws://${base}${path}`);
    this.ws.binaryType = "arraybuffer";
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error("websocket error"));
    });
    this.ws.onmessage = (e) => {
      if (typeof e.data === "string") this.texts.push(JSON.parse(e.data) as Record<string, unknown>);
      else this.binaries.push(new Uint8Array(e.data as ArrayBuffer));
      this.wake();
    };
    this.ws.onclose = (e) => {
      this.closed = { code: e.code };
      this.wake();
    };
  }

  events(): string[] {
    return this.texts.map((t) => t.event as string);
  }

  /** Resolves once `ready()` holds; fails after 3 s (bounded). */
  async until(ready: () => boolean): Promise<void> {
    const deadline = Date.now() + 3000;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`timed out; events so far: ${this.events().join(",")}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

function newCall(id: string): FakeCall {
  const call = new FakeCall(id);
  calls.set(id, call);
  return call;
}

/** Pulls the call's source as the media clock would, until `frames` ticks have passed. */
function pull(call: FakeCall, frames: number): number {
  const out = new Int16Array(160);
  let played = 0;
  for (let i = 0; i < frames; i++) if (call.source?.pull(out)) played++;
  return played;
}

describe("call WebSocket over loopback (Twilio mode)", () => {
  test("delivers connected, start, media and stop, plays client audio and echoes marks", async () => {
    const call = newCall("CAe2e1");
    call.customParameters = { agent: "sales" };
    const c = new Client("/ws/CAe2e1?token=k");
    await c.opened;
    await c.until(() => c.events().includes("connected"));
    expect(metrics.wsConnections.value).toBe(1);

    call.answer();
    await c.until(() => c.events().includes("start"));
    const start = c.texts[1]!.start as { callSid: string; customParameters: Record<string, string> };
    expect(start.callSid).toBe("CAe2e1");
    expect(start.customParameters).toEqual({ agent: "sales" });

    call.listener!.audio(frameOf(2000));
    await c.until(() => c.events().includes("media"));
    const media = c.texts[2]!.media as { payload: string; chunk: string };
    expect(Uint8Array.fromBase64(media.payload).length).toBe(160);
    expect(media.chunk).toBe("1");

    const audio = new Uint8Array(480).fill(ULAW_ENCODE[3000]!);
    c.ws.send(
      JSON.stringify({
        event: "media",
        streamSid: c.texts[1]!.streamSid,
        media: { payload: audio.toBase64() },
      }),
    );
    c.ws.send(JSON.stringify({ event: "mark", mark: { name: "after-audio" } }));
    await c.until(() => (call.source as { queuedSamples?: number } | undefined)?.queuedSamples === 480);
    expect(c.events().includes("mark")).toBe(false);
    expect(pull(call, 2)).toBe(2);
    await Bun.sleep(20);
    expect(c.events().includes("mark")).toBe(false);
    expect(pull(call, 1)).toBe(1);
    await c.until(() => c.events().includes("mark"));
    expect((c.texts.at(-1)!.mark as { name: string }).name).toBe("after-audio");

    call.end("normal");
    await c.until(() => c.closed !== undefined);
    expect(c.events().at(-1)).toBe("stop");
    expect(c.closed!.code).toBe(1000);
    await Bun.sleep(10);
    expect(metrics.wsConnections.value).toBe(0);
  });

  test("rejects a second socket with 409 while the first is open and accepts a reconnect after it closes", async () => {
    const call = newCall("CAe2e2");
    call.state = "in_progress";
    const first = new Client("/ws/CAe2e2?token=k");
    await first.until(() => first.events().includes("start"));
    const res = await fetch(`http://${base}/ws/CAe2e2`, {
      headers: { Authorization: "Bearer k", Upgrade: "websocket" },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toBe("conflict");

    first.ws.close(1000);
    await first.until(() => first.closed !== undefined);
    await Bun.sleep(20);
    expect(call.state).toBe("in_progress");
    const second = new Client("/ws/CAe2e2?token=k");
    await second.until(() => second.events().includes("start"));
    expect(second.texts[1]!.streamSid).not.toBe(first.texts[1]!.streamSid);
    second.ws.close();
  });

  test("answers handshake failures over real HTTP: 401 without a key, 404, 403, 400", async () => {
    const off = newCall("CAe2e3");
    off.streamAllowed = false;
    const get = (path: string, auth = true) =>
      fetch(`http://${base}${path}`, { headers: auth ? { Authorization: "Bearer k" } : {} });
    expect((await get("/ws/CAe2e3", false)).status).toBe(401);
    expect((await get("/ws/CAnope")).status).toBe(404);
    expect((await get("/ws/CAe2e3")).status).toBe(403);
    expect((await get("/ws/CAe2e3?mode=binary")).status).toBe(400);
  });

  test("closes with 1009 on a message over 4 MiB and keeps the call", async () => {
    const call = newCall("CAe2e4");
    call.state = "in_progress";
    const c = new Client("/ws/CAe2e4?token=k");
    await c.until(() => c.events().includes("start"));
    c.ws.send("x".repeat(4 * 1024 * 1024 + 1));
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(1009);
    expect(call.state).toBe("in_progress");
  });

  test("ignores malformed input and keeps the socket open", async () => {
    const call = newCall("CAe2e5");
    call.state = "in_progress";
    const c = new Client("/ws/CAe2e5?token=k");
    await c.until(() => c.events().includes("start"));
    c.ws.send("not json");
    c.ws.send(new Uint8Array([1, 0, 2, 0, 0]));
    c.ws.send('{"event":"mark","mark":{"name":"still-here"}}');
    await c.until(() => c.events().includes("mark"));
    expect(c.closed).toBeUndefined();
    c.ws.close();
  });
});

describe("call WebSocket over loopback (native mode)", () => {
  test("exchanges binary PCM16 frames and JSON control messages", async () => {
    const call = newCall("CAe2e6");
    call.state = "in_progress";
    const c = new Client("/ws/CAe2e6?mode=native&token=k");
    await c.until(() => c.events().includes("start"));
    call.listener!.audio(frameOf(-300));
    await c.until(() => c.binaries.length === 1);
    const frame = c.binaries[0]!;
    expect(frame.length).toBe(323);
    expect(new DataView(frame.buffer, frame.byteOffset).getInt16(3, true)).toBe(-300);

    const out = new Uint8Array(3 + 320);
    out.set([0x01, 0x01, 0x40]);
    new DataView(out.buffer).setInt16(3, 1234, true);
    c.ws.send(out);
    c.ws.send('{"event":"mark","mark":{"name":"n1"}}');
    await c.until(() => (call.source as { pendingMarks?: number } | undefined)?.pendingMarks === 1);
    const pcm = new Int16Array(160);
    expect(call.source!.pull(pcm)).toBe(true);
    expect(pcm[0]).toBe(1234);
    await c.until(() => c.events().includes("mark"));
    call.end("shutdown");
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(1001);
  });
});
