/**
 * Hostile WebSocket upgrades on a live call, against the real gateway process (spec/websocket.md
 * §1 "one socket per call → 409", §2.5 "if the client closes first the call continues … a new
 * socket may then connect"): 20 concurrent upgrades of one call, upgrades aborted half-way, a
 * rapid connect/close loop, and a socket dropped without a close frame. The call's one socket slot
 * must never leak (a later upgrade always succeeds once the previous socket is gone) and the call
 * must stay `in_progress`. The call comes from a raw UDP caller the app accepts (no external
 * program); afterwards the process runs and `/health` and OPTIONS answer 200.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import { getHeader, parseMessage, type SipResponse } from "../../src/sip/message/index.ts";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { waitExit } from "../support/peers.ts";
import { CallSocket, probeUpgrade } from "../support/ws-client.ts";

const SDP = [
  "v=0",
  "o=- 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 40006 RTP/AVP 0",
  "a=rtpmap:0 PCMU/8000",
  "",
].join("\r\n");

function request(
  method: string,
  sipPort: number,
  localPort: number,
  callId: string,
  branch: string,
  toTag = "",
): string {
  const body = method === "INVITE" ? SDP : "";
  return [
    `${method} sip:ws@127.0.0.1:${sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=${branch};rport`,
    "Max-Forwards: 70",
    "From: <sip:caller@127.0.0.1>;tag=wsup",
    `To: <sip:ws@127.0.0.1:${sipPort}>${toTag !== "" ? `;tag=${toTag}` : ""}`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:caller@127.0.0.1:${localPort}>`,
    ...(body !== "" ? ["Content-Type: application/sdp"] : []),
    `Content-Length: ${body.length}`,
    "",
    body,
  ].join("\r\n");
}

/** Sends `data` as the start of a WebSocket upgrade and resets the connection without reading. */
async function abortedUpgrade(httpUrl: string, path: string, data: string): Promise<void> {
  const url = new URL(httpUrl);
  const s = await Bun.connect({ hostname: url.hostname, port: Number(url.port), socket: { data() {} } });
  s.write(
    [
      `GET ${path} HTTP/1.1`,
      `Host: ${url.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      data,
    ].join("\r\n"),
  );
  s.terminate();
}

describe("hostile WebSocket upgrades on a live call", () => {
  let rig: CallRig;
  let sock: udp.Socket<"uint8array">;
  const responses: SipResponse[] = [];
  let callId = "";
  const sipCallId = `ws-upgrade-${Date.now()}@127.0.0.1`;
  const auth = () => ({ Authorization: `Bearer ${rig.apiKey}` });

  async function connectOk(): Promise<CallSocket> {
    const ws = await CallSocket.connect({ baseUrl: rig.httpUrl, callId, apiKey: rig.apiKey });
    await ws.waitFor("start", 3000);
    return ws;
  }

  async function expectAlive(): Promise<void> {
    expect(await waitExit(rig.gw.proc, 20), rig.gw.proc.log().slice(-4000)).toBeUndefined();
    expect((await fetch(`${rig.httpUrl}/health`)).status).toBe(200);
    const res = await rig.api(`/v1/calls/${callId}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("in_progress");
    const optId = `opt-${Date.now()}`;
    sock.send(request("OPTIONS", rig.sipPort, sock.port, optId, `z9hG4bK${optId}`), rig.sipPort, "127.0.0.1");
    const deadline = performance.now() + 2000;
    let ok: SipResponse | undefined;
    while (ok === undefined && performance.now() < deadline) {
      ok = responses.find((r) => getHeader(r, "call-id") === optId);
      await Bun.sleep(10);
    }
    expect(ok?.status).toBe(200);
  }

  beforeAll(async () => {
    rig = await startCallRig();
    sock = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      binaryType: "uint8array",
      socket: {
        data(_s, d) {
          const m = parseMessage(d.slice());
          if (m.ok && m.value.kind === "response") responses.push(m.value);
        },
      },
    });
    sock.send(request("INVITE", rig.sipPort, sock.port, sipCallId, "z9hG4bKwsinv"), rig.sipPort, "127.0.0.1");
    const deadline = performance.now() + 5000;
    let ok: SipResponse | undefined;
    while (ok === undefined && performance.now() < deadline) {
      ok = responses.find((r) => getHeader(r, "call-id") === sipCallId && r.status === 200);
      await Bun.sleep(10);
    }
    expect(ok?.status).toBe(200);
    const toTag = /;tag=([^;>\s]+)/.exec(getHeader(ok!, "to") ?? "")?.[1] ?? "";
    sock.send(
      request("ACK", rig.sipPort, sock.port, sipCallId, "z9hG4bKwsack", toTag),
      rig.sipPort,
      "127.0.0.1",
    );
    callId = (await rig.app.waitForIncoming(1, 3000)).body.call_id;
    await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.answered", 3000);
  }, 15_000);

  afterAll(async () => {
    sock?.close();
    await rig?.stop();
  });

  test("20 concurrent upgrades of one call: exactly one 101, the rest 409 conflict with the JSON body", async () => {
    const probes = await Promise.all(
      Array.from({ length: 20 }, () => probeUpgrade(rig.httpUrl, `/ws/${callId}`, auth())),
    );
    const statuses = probes.map((p) => p.status);
    expect(statuses.filter((s) => s === 101)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 101 && s !== 409)).toEqual([]);
    for (const p of probes.filter((x) => x.status === 409))
      expect(JSON.parse(p.body)).toMatchObject({ error: "conflict" });
    // probeUpgrade ends its TCP connection, so the winner's socket is gone: the slot must free up.
    const deadline = performance.now() + 3000;
    let ws: CallSocket | undefined;
    while (ws === undefined && performance.now() < deadline) {
      ws = await connectOk().catch(() => undefined);
      if (ws === undefined) await Bun.sleep(100);
    }
    expect(ws, "the call's socket slot stayed taken after the winning connection went away").toBeDefined();
    ws?.close();
    await ws?.closed;
    await expectAlive();
  });

  test("upgrades aborted half-way (headers cut, connection reset) never leave the call's socket slot taken", async () => {
    const cuts = [
      "",
      "Authorization: Bearer",
      `Authorization: Bearer ${rig.apiKey}`,
      `Authorization: Bearer ${rig.apiKey}\r\n`,
      `Authorization: Bearer ${rig.apiKey}\r\n\r\n`,
    ];
    for (let round = 0; round < 4; round++)
      for (const cut of cuts) await abortedUpgrade(rig.httpUrl, `/ws/${callId}`, cut);
    await Bun.sleep(200);
    const ws = await connectOk();
    expect(ws.messages("connected")).toHaveLength(1);
    ws.close();
    await ws.closed;
    await expectAlive();
  });

  test("30 rapid connect/close cycles each get connected and start, and the call stays in progress", async () => {
    for (let i = 0; i < 30; i++) {
      let ws: CallSocket | undefined;
      // A close and the next upgrade can cross; the contract allows a brief 409, never a stuck one.
      for (let attempt = 0; attempt < 20 && ws === undefined; attempt++) {
        ws = await connectOk().catch(() => undefined);
        if (ws === undefined) await Bun.sleep(25);
      }
      expect(ws, `cycle ${i}: could not reconnect`).toBeDefined();
      ws!.close();
      await ws!.closed;
    }
    await expectAlive();
  }, 20_000);

  test("a socket dropped without a close frame frees the slot for a new socket", async () => {
    const url = new URL(rig.httpUrl);
    let upgraded = false;
    const raw = await Bun.connect({
      hostname: url.hostname,
      port: Number(url.port),
      socket: {
        data(_s, d) {
          if (new TextDecoder().decode(d).startsWith("HTTP/1.1 101")) upgraded = true;
        },
      },
    });
    raw.write(
      [
        `GET /ws/${callId} HTTP/1.1`,
        `Host: ${url.host}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        `Authorization: Bearer ${rig.apiKey}`,
        "",
        "",
      ].join("\r\n"),
    );
    const deadline = performance.now() + 2000;
    while (!upgraded && performance.now() < deadline) await Bun.sleep(10);
    expect(upgraded).toBe(true);
    raw.terminate();
    let ws: CallSocket | undefined;
    for (let attempt = 0; attempt < 20 && ws === undefined; attempt++) {
      ws = await connectOk().catch(() => undefined);
      if (ws === undefined) await Bun.sleep(50);
    }
    expect(ws, "the slot stayed taken after a dropped connection").toBeDefined();
    ws?.close();
    await ws?.closed;
    await expectAlive();
  });
});
