/**
 * Echo app: the smallest useful xbridge app, on plain Bun (no framework).
 *
 *   1. xbridge POSTs `/incoming` for every call (spec/webhooks.md §2): we accept it with
 *      `stream: true`, so the call is answered and its audio WebSocket may connect.
 *   2. Lifecycle events (`call.answered`, `call.ended`, …) arrive as POSTs to `/events`
 *      (webhooks.md §3): we log them.
 *   3. We open `ws://GATEWAY/ws/{call_id}` in Twilio mode (spec/websocket.md). Every caller
 *      `media` message is queued and sent back one second later, so you hear yourself with a
 *      1 s delay. Each second we also send a `mark`; the gateway echoes it when the audio
 *      queued before it has actually been played to the caller.
 *
 * Run:   PORT=3000 GATEWAY_URL=http://127.0.0.1:8080 API_KEY=change-me bun run examples/echo-app.ts
 * Point the gateway's `webhook.url` at `http://127.0.0.1:3000/events`.
 */

const PORT = Number(process.env.PORT ?? 3000);
const GATEWAY_URL = process.env.GATEWAY_URL ?? "http://127.0.0.1:8080";
const API_KEY = process.env.API_KEY ?? "";
const ECHO_DELAY_MS = 1000;

const log = (...parts: unknown[]) => console.log(new Date().toISOString(), ...parts);

/** One caller frame waiting to be sent back. */
interface Pending {
  payload: string; // base64, exactly as received (μ-law by default)
  due: number; // performance.now() at which to send it back
}

/** Per-call state: the socket, its stream id and the echo queue. */
interface Echo {
  ws: WebSocket;
  streamSid: string;
  queue: Pending[];
  timer: Timer;
  sentFrames: number;
}

const calls = new Map<string, Echo>();

/** The fields we read from webhook bodies (both /incoming and lifecycle events). */
interface WebhookBody {
  call_id: string;
  from?: string;
  to?: string;
  event?: string;
  reason?: string;
}

/** Connects the call's audio WebSocket and starts echoing. */
function connectStream(callId: string): void {
  if (calls.has(callId)) return;
  const url = `${GATEWAY_URL.replace(/^http/, "ws")}/ws/${callId}`;
  // Bun lets a WebSocket client send headers; browsers would use `?token=` instead.
  const headers = API_KEY ? { Authorization: `Bearer ${API_KEY}` } : {};
  const ws = new WebSocket(url, { headers });
  const echo: Echo = {
    ws,
    streamSid: "",
    queue: [],
    timer: setInterval(() => flush(echo), 20),
    sentFrames: 0,
  };
  calls.set(callId, echo);

  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") return; // Twilio mode: everything is JSON text
    const msg = JSON.parse(e.data);
    switch (msg.event) {
      case "connected":
        log(callId, "stream connected");
        break;
      case "start":
        echo.streamSid = msg.start.streamSid;
        log(callId, "stream started", msg.start.mediaFormat);
        break;
      case "media":
        echo.queue.push({ payload: msg.media.payload, due: performance.now() + ECHO_DELAY_MS });
        break;
      case "mark":
        log(callId, "played up to mark", msg.mark.name);
        break;
      case "dtmf":
        log(callId, "caller pressed", msg.dtmf.digit);
        break;
      case "stop":
        log(callId, "stream stopped");
        break;
    }
  });
  ws.addEventListener("close", (e) => {
    log(callId, "socket closed", e.code);
    clearInterval(echo.timer);
    calls.delete(callId);
  });
  ws.addEventListener("error", () => log(callId, "socket error (is GATEWAY_URL / API_KEY right?)"));
}

/** Every 20 ms: send back the frames whose second has passed, with a mark each 50 frames. */
function flush(echo: Echo): void {
  if (echo.ws.readyState !== WebSocket.OPEN) return;
  const now = performance.now();
  while (echo.queue.length > 0 && echo.queue[0]!.due <= now) {
    const { payload } = echo.queue.shift()!;
    echo.ws.send(JSON.stringify({ event: "media", streamSid: echo.streamSid, media: { payload } }));
    if (++echo.sentFrames % 50 === 0) {
      const name = `echo-${echo.sentFrames / 50}s`;
      echo.ws.send(JSON.stringify({ event: "mark", streamSid: echo.streamSid, mark: { name } }));
    }
  }
}

Bun.serve({
  hostname: "127.0.0.1",
  port: PORT,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (req.method !== "POST") return new Response("echo app\n");
    const body = (await req.json().catch(() => null)) as WebhookBody | null;
    if (body === null) return new Response("bad json", { status: 400 });

    // webhooks.md §2: `{webhook.url}/incoming` asks what to do with a new call.
    if (path.endsWith("/incoming")) {
      log(body.call_id, `incoming call from ${body.from} to ${body.to}`);
      // Connect right after answering: the call exists (ringing) as soon as we reply.
      const callId = body.call_id;
      setTimeout(() => connectStream(callId), 50);
      return Response.json({ action: "accept", stream: true });
    }

    // webhooks.md §3: lifecycle events; any 2xx acknowledges them.
    log(body.call_id, body.event, body.reason ? `reason=${body.reason}` : "");
    if (body.event === "call.ended") calls.get(body.call_id)?.ws.close();
    return new Response(null, { status: 204 });
  },
});

log(`echo app on http://127.0.0.1:${PORT}; gateway ${GATEWAY_URL}`);
