/**
 * Hostile SIP over TCP against the real gateway process. A trunk with `transport = "tcp"` makes
 * the gateway listen on a TCP port (src/gateway/trunk-system.ts, "sip trunk client listening"),
 * which anyone who can reach it may connect to. RFC 3261 §18.3 framing rules and the bounds of
 * docs/sip.md "Transports": a stream that is not SIP, a header section or message over 64 KiB,
 * or a missing Content-Length closes the connection; `CRLF CRLF` gets a `CRLF` pong (RFC 5626
 * §3.5.1); connections beyond 1024 are closed at once. Afterwards the process runs, `/health`
 * answers 200, an OPTIONS over TCP and one to the trunk host over UDP get 200.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Socket } from "bun";
import { getHeader, parseMessage } from "../../src/sip/message/index.ts";
import { type FakeApp, startFakeApp } from "../support/app-server.ts";
import { type RunningGateway, startGatewayProcess } from "../support/gateway.ts";
import { freePorts, waitExit } from "../support/peers.ts";

interface Conn {
  socket: Socket<undefined>;
  text(): string;
  closed(): boolean;
}

async function connect(port: number): Promise<Conn> {
  let got = "";
  let closed = false;
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_s, d) {
        got += new TextDecoder().decode(d);
      },
      close() {
        closed = true;
      },
      error() {
        closed = true;
      },
    },
  });
  return { socket, text: () => got, closed: () => closed };
}

/** Waits until `ready()` or `ms` pass; returns `ready()`. */
async function until(ready: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!ready() && performance.now() < deadline) await Bun.sleep(10);
  return ready();
}

const options = (callId: string, via = "TCP") =>
  [
    "OPTIONS sip:probe@127.0.0.1 SIP/2.0",
    `Via: SIP/2.0/${via} 127.0.0.1:9;branch=z9hG4bK${callId.replace(/\W/g, "")};rport`,
    "Max-Forwards: 70",
    "From: <sip:probe@127.0.0.1>;tag=p",
    "To: <sip:gw@127.0.0.1>",
    `Call-ID: ${callId}`,
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");

describe("hostile SIP over TCP against the trunk client's listener", () => {
  let gw: RunningGateway;
  let app: FakeApp;
  let tcpPort = 0;
  let udpPort = 0;

  async function optionsOverTcp(): Promise<number> {
    const c = await connect(tcpPort);
    try {
      c.socket.write(options(`tcp-alive-${Date.now()}`));
      await until(() => /^SIP\/2\.0 \d{3}/.test(c.text()), 2000);
      return Number(/^SIP\/2\.0 (\d{3})/.exec(c.text())?.[1] ?? 0);
    } finally {
      c.socket.end();
    }
  }

  async function optionsOverUdp(): Promise<number> {
    let status = 0;
    const s = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      binaryType: "uint8array",
      socket: {
        data(_s, d) {
          const m = parseMessage(d.slice());
          if (m.ok && m.value.kind === "response" && getHeader(m.value, "cseq") === "1 OPTIONS")
            status = m.value.status;
        },
      },
    });
    s.send(options(`udp-alive-${Date.now()}`, "UDP"), udpPort, "127.0.0.1");
    await until(() => status !== 0, 2000);
    s.close();
    return status;
  }

  async function expectAlive(): Promise<void> {
    expect(await waitExit(gw.proc, 20), gw.proc.log().slice(-4000)).toBeUndefined();
    expect((await fetch(`${gw.httpUrl}/health`)).status).toBe(200);
    expect(await optionsOverTcp()).toBe(200);
    expect(await optionsOverUdp()).toBe(200);
  }

  beforeAll(async () => {
    app = startFakeApp();
    const [httpPort, sipPort, deadRegistrar] = await freePorts(3);
    udpPort = sipPort!;
    const toml = [
      "[listen]",
      `http = "127.0.0.1:${httpPort}"`,
      "[[trunks]]",
      'name = "office"',
      'username = "1001"',
      'password = "pw"',
      // Nobody listens there: registration keeps retrying, the TCP listener stays up.
      `host = "127.0.0.1:${deadRegistrar}"`,
      'transport = "tcp"',
      "[server]",
      `listen = "127.0.0.1:${sipPort}"`,
      "[[server.peers]]",
      'name = "local"',
      'host = "127.0.0.1"',
      "[webhook]",
      `url = "${app.webhookUrl}"`,
      "",
    ].join("\n");
    gw = await startGatewayProcess({ toml, httpPort: httpPort!, readyTimeoutMs: 10_000 });
    const deadline = performance.now() + 3000;
    while (tcpPort === 0 && performance.now() < deadline) {
      tcpPort = Number(/"transport":"tcp","address":"127\.0\.0\.1:(\d+)"/.exec(gw.proc.log())?.[1] ?? 0);
      await Bun.sleep(20);
    }
    expect(tcpPort).toBeGreaterThan(0);
  }, 15_000);
  afterAll(async () => {
    await gw?.proc.stop();
    await app?.stop();
  });

  test("answers CRLF CRLF with a CRLF pong and then an OPTIONS on the same connection with 200", async () => {
    const c = await connect(tcpPort);
    try {
      c.socket.write("\r\n\r\n");
      expect(await until(() => c.text() === "\r\n", 1000)).toBe(true);
      c.socket.write(options(`same-conn-${Date.now()}`));
      expect(await until(() => c.text().includes("SIP/2.0 200 OK"), 2000)).toBe(true);
      expect(c.closed()).toBe(false);
    } finally {
      c.socket.end();
    }
  });

  const unframeable: [string, string][] = [
    ["a stream that is not SIP", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["a message without Content-Length", options("no-cl").replace("Content-Length: 0\r\n", "")],
    [
      "a Content-Length of 999 999 999",
      options("huge-cl").replace("Content-Length: 0", "Content-Length: 999999999"),
    ],
    ["a negative Content-Length", options("neg-cl").replace("Content-Length: 0", "Content-Length: -5")],
    ["a 70 KB header section", `OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nX-Big: ${"a".repeat(70_000)}`],
    [
      "a 70 KB body",
      options("big-body").replace("Content-Length: 0", "Content-Length: 70000") + "b".repeat(70_000),
    ],
  ];
  for (const [label, data] of unframeable) {
    test(`closes the connection on ${label} and keeps serving others`, async () => {
      const c = await connect(tcpPort);
      c.socket.write(data);
      expect(
        await until(() => c.closed(), 2000),
        `still open after ${label}; got ${c.text().slice(0, 80)}`,
      ).toBe(true);
      expect(c.text()).not.toMatch(/^SIP\/2\.0 5\d\d/);
      await expectAlive();
    });
  }

  test("survives 20 connections dribbling binary garbage without a line end, and answers others meanwhile", async () => {
    const conns = await Promise.all(Array.from({ length: 20 }, () => connect(tcpPort)));
    try {
      for (let round = 0; round < 10; round++) {
        for (const c of conns) if (!c.closed()) c.socket.write(new Uint8Array(1000).fill(0xff - round));
        await Bun.sleep(5);
      }
      await expectAlive();
    } finally {
      for (const c of conns) c.socket.end();
    }
  });

  // Who may INVITE through a trunk (only its registrar's address) is tested in
  // hostile-trunk-source.test.ts from 127.0.0.2: here every process shares 127.0.0.1 with the
  // configured registrar, so a stranger cannot be told apart by address.

  test("holds at most 1024 connections: beyond that new ones are closed at once, and service resumes when they go", async () => {
    const conns: Conn[] = [];
    try {
      for (let i = 0; i < 1100; i++) conns.push(await connect(tcpPort));
      await until(() => conns.filter((c) => c.closed()).length >= 1100 - 1024, 3000);
      const open = conns.filter((c) => !c.closed()).length;
      expect(open).toBeLessThanOrEqual(1024);
      expect(open).toBeGreaterThan(900);
    } finally {
      for (const c of conns) c.socket.end();
    }
    await Bun.sleep(300);
    await expectAlive();
  }, 20_000);
});
