/**
 * examples/echo-app.ts as a process, against a stand-in gateway that speaks the app-facing
 * contract (webhooks.md §2–§3, websocket.md §2–§4): the app accepts `/incoming` with
 * `stream: true`, connects `/ws/{call_id}` with the bearer key, sends every caller frame back
 * unchanged ≥ 1 s after it arrived with a mark per second of echoed audio, and closes the
 * socket on `call.ended`.
 */
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { ServerWebSocket } from "bun";
import { REPO, waitForHttp } from "../support/gateway.ts";
import { freePorts, makeTempDir, type PeerProcess, spawnPeer } from "../support/peers.ts";

interface FromApp {
  at: number;
  event: string;
  payload?: string;
  mark?: string;
}

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

test("the echo app accepts, connects the call socket with its key and echoes each frame ≥ 1 s later with a mark per second", async () => {
  const [appPort] = await freePorts(1);
  const fromApp: FromApp[] = [];
  const sentAt: number[] = [];
  let auth = "";
  let path = "";
  let closed = false;
  const { promise: opened, resolve: onOpen } = Promise.withResolvers<ServerWebSocket<undefined>>();
  const gateway = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      auth = req.headers.get("authorization") ?? "";
      path = new URL(req.url).pathname;
      return srv.upgrade(req) ? undefined : new Response("no", { status: 400 });
    },
    websocket: {
      open: (ws) => onOpen(ws),
      message(_ws, msg) {
        const m = JSON.parse(String(msg)) as {
          event: string;
          media?: { payload: string };
          mark?: { name: string };
        };
        fromApp.push({
          at: performance.now(),
          event: m.event,
          payload: m.media?.payload,
          mark: m.mark?.name,
        });
      },
      close() {
        closed = true;
      },
    },
  });
  cleanups.push(() => gateway.stop(true));
  const app: PeerProcess = spawnPeer({
    name: "echo-app",
    cmd: [process.execPath, "run", join(REPO, "examples/echo-app.ts")],
    dir: makeTempDir("echo-app"),
    env: { PORT: String(appPort), GATEWAY_URL: `http://127.0.0.1:${gateway.port}`, API_KEY: "k3y" },
  });
  cleanups.push(() => app.stop());
  expect(await waitForHttp(`http://127.0.0.1:${appPort}/`, 5000)).toBeDefined();

  const decision = await fetch(`http://127.0.0.1:${appPort}/events/incoming`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ call_id: "CAecho1", from: "1001", to: "echo", direction: "inbound" }),
  });
  expect(await decision.json()).toEqual({ action: "accept", stream: true });

  const ws = await opened;
  expect(path).toBe("/ws/CAecho1");
  expect(auth).toBe("Bearer k3y");
  const streamSid = `MZ${"ab".repeat(16)}`;
  ws.send(JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" }));
  ws.send(
    JSON.stringify({
      event: "start",
      sequenceNumber: "1",
      streamSid,
      start: { streamSid, callSid: "CAecho1" },
    }),
  );
  // 1.2 s of distinct 20 ms frames, paced like the gateway.
  const payloads: string[] = [];
  for (let i = 0; i < 60; i++) {
    const payload = new Uint8Array(160).fill(i).toBase64();
    payloads.push(payload);
    sentAt.push(performance.now());
    ws.send(
      JSON.stringify({
        event: "media",
        sequenceNumber: String(i + 2),
        streamSid,
        media: { track: "inbound", chunk: String(i + 1), timestamp: String(i * 20), payload },
      }),
    );
    await Bun.sleep(20);
  }
  const deadline = performance.now() + 3000;
  while (fromApp.filter((m) => m.event === "media").length < 60 && performance.now() < deadline)
    await Bun.sleep(50);

  const media = fromApp.filter((m) => m.event === "media");
  expect(media.map((m) => m.payload)).toEqual(payloads);
  for (let i = 0; i < media.length; i++) {
    expect(media[i]!.at - sentAt[i]!).toBeGreaterThanOrEqual(1000);
    expect(media[i]!.at - sentAt[i]!).toBeLessThan(1200);
  }
  // One mark after the 50th echoed frame (1 s of audio), sent right behind it.
  const marks = fromApp.map((m, i) => ({ ...m, i })).filter((m) => m.event === "mark");
  expect(marks.map((m) => m.mark)).toEqual(["echo-1s"]);
  expect(fromApp[marks[0]!.i - 1]?.payload).toBe(payloads[49]);

  await fetch(`http://127.0.0.1:${appPort}/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      event: "call.ended",
      call_id: "CAecho1",
      reason: "normal",
      duration: 2,
      timestamp: "",
    }),
  });
  const closeBy = performance.now() + 2000;
  while (!closed && performance.now() < closeBy) await Bun.sleep(20);
  expect(closed).toBe(true);
}, 15_000);
