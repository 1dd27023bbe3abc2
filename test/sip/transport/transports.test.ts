import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromUtf8, utf8 } from "../../../src/lib/bytes.ts";
import { createStreamTransport } from "../../../src/sip/transport/stream-transport.ts";
import type { Inbound, SipTransport } from "../../../src/sip/transport/types.ts";
import { createUdpTransport } from "../../../src/sip/transport/udp-transport.ts";

const OPTIONS =
  "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n";
const OK = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
const FIXTURES = join(import.meta.dir, "fixtures");
const TLS = {
  cert: readFileSync(join(FIXTURES, "localhost-cert.pem"), "utf8"),
  key: readFileSync(join(FIXTURES, "localhost-key.pem"), "utf8"),
};

const open: SipTransport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

/** Collects inbound messages and resolves waiters (bounded wait, no sleeps on success). */
function inbox() {
  const got: Inbound[] = [];
  let wake: (() => void) | undefined;
  return {
    got,
    handler: (m: Inbound) => {
      got.push(m);
      wake?.();
    },
    async waitFor(n: number, ms = 2000): Promise<Inbound[]> {
      const deadline = performance.now() + ms;
      while (got.length < n && performance.now() < deadline) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 20);
        });
      }
      return got;
    },
  };
}

async function udp(hostname: string, onMessage: (m: Inbound) => void) {
  const t = await createUdpTransport({ hostname, port: 0, onMessage });
  open.push(t);
  return t;
}

async function stream(protocol: "TCP" | "TLS", onMessage: (m: Inbound) => void, hostname = "127.0.0.1") {
  const t = await createStreamTransport({
    protocol,
    hostname,
    port: 0,
    onMessage,
    tls: TLS,
    verifyPeer: false,
  });
  open.push(t);
  return t;
}

describe("UDP transport", () => {
  test("delivers a datagram with its source address and the bound port", async () => {
    const a = inbox();
    const b = inbox();
    const ta = await udp("127.0.0.1", a.handler);
    const tb = await udp("127.0.0.1", b.handler);
    expect(ta.local.port).toBeGreaterThan(0);
    expect(await tb.send(utf8(OPTIONS), ta.local)).toBe(true);
    const [m] = await a.waitFor(1);
    expect(fromUtf8(m!.data)).toBe(OPTIONS);
    expect(m!.remote).toEqual({ address: "127.0.0.1", port: tb.local.port });
    expect(m!.protocol).toBe("UDP");
  });

  test("works over IPv6 loopback", async () => {
    const a = inbox();
    const ta = await udp("::1", a.handler);
    const tb = await udp("::1", () => {});
    await tb.send(utf8(OK), { address: "::1", port: ta.local.port });
    const [m] = await a.waitFor(1);
    expect(m!.remote.address).toBe("::1");
    expect(fromUtf8(m!.data)).toBe(OK);
  });
});

describe("TCP transport", () => {
  test("frames a request, answers on the same connection, and reuses it for the next send", async () => {
    const server = inbox();
    const client = inbox();
    const ts = await stream("TCP", server.handler);
    const tc = await stream("TCP", client.handler);
    expect(await tc.send(utf8(OPTIONS), ts.local)).toBe(true);
    const [req] = await server.waitFor(1);
    expect(fromUtf8(req!.data)).toBe(OPTIONS);
    expect(req!.connection).toBeDefined();
    // RFC 3261 §18.2.2: the response goes back over the connection the request used.
    expect(await ts.send(utf8(OK), req!.remote, req!.connection)).toBe(true);
    const [resp] = await client.waitFor(1);
    expect(fromUtf8(resp!.data)).toBe(OK);
    await tc.send(utf8(OPTIONS), ts.local);
    const both = await server.waitFor(2);
    expect(both[1]!.connection).toBe(req!.connection);
    expect(both[1]!.remote).toEqual(req!.remote);
  });

  test("answers a CRLFCRLF ping with a CRLF pong (RFC 5626 §3.5.1)", async () => {
    const ts = await stream("TCP", () => {});
    const received: string[] = [];
    const sock = await Bun.connect({
      hostname: "127.0.0.1",
      port: ts.local.port,
      socket: { data: (_s, d) => void received.push(fromUtf8(d)) },
    });
    sock.write("\r\n\r\n");
    const deadline = performance.now() + 2000;
    while (received.join("") === "" && performance.now() < deadline) await Bun.sleep(10);
    expect(received.join("")).toBe("\r\n");
    sock.end();
  });

  test("closes a connection that sends garbage", async () => {
    const ts = await stream("TCP", () => {});
    let closed = false;
    const sock = await Bun.connect({
      hostname: "127.0.0.1",
      port: ts.local.port,
      socket: {
        data: () => {},
        close: () => {
          closed = true;
        },
      },
    });
    sock.write("\x16\x03\x01 definitely not SIP\r\n\r\n");
    const deadline = performance.now() + 2000;
    while (!closed && performance.now() < deadline) await Bun.sleep(10);
    expect(closed).toBe(true);
  });

  test("returns false when the remote refuses the connection", async () => {
    const tc = await stream("TCP", () => {});
    const probe = await stream("TCP", () => {});
    const port = probe.local.port;
    await probe.close();
    open.splice(open.indexOf(probe), 1);
    expect(await tc.send(utf8(OPTIONS), { address: "127.0.0.1", port })).toBe(false);
  });

  test("works over IPv6 loopback", async () => {
    const server = inbox();
    const ts = await stream("TCP", server.handler, "::1");
    const tc = await stream("TCP", () => {}, "::1");
    await tc.send(utf8(OPTIONS), { address: "::1", port: ts.local.port });
    const [m] = await server.waitFor(1);
    expect(m!.remote.address).toBe("::1");
  });
});

describe("stream transport bounds", () => {
  test("closes connections beyond maxConnections", async () => {
    const t = await createStreamTransport({
      protocol: "TCP",
      hostname: "127.0.0.1",
      port: 0,
      onMessage: () => {},
      maxConnections: 1,
    });
    open.push(t);
    const closed: boolean[] = [false, false];
    const connect = (i: number) =>
      Bun.connect({
        hostname: "127.0.0.1",
        port: t.local.port,
        socket: {
          data: () => {},
          close: () => {
            closed[i] = true;
          },
        },
      });
    const first = await connect(0);
    await Bun.sleep(20);
    const second = await connect(1);
    const deadline = performance.now() + 2000;
    while (!closed[1] && performance.now() < deadline) await Bun.sleep(10);
    expect(closed).toEqual([false, true]);
    first.end();
    second.end();
  });

  test("counts connections still being opened against maxConnections, so a burst of sends cannot exceed it", async () => {
    const servers = [await stream("TCP", () => {}), await stream("TCP", () => {})];
    const client = await createStreamTransport({
      protocol: "TCP",
      hostname: "127.0.0.1",
      port: 0,
      onMessage: () => {},
      maxConnections: 1,
    });
    open.push(client);
    const sent = await Promise.all(
      servers.map((s) => client.send(utf8(OPTIONS), { address: "127.0.0.1", port: s.local.port })),
    );
    expect(sent).toEqual([true, false]);
  });
});

describe("TLS transport", () => {
  test("carries a request and its response over TLS", async () => {
    const server = inbox();
    const client = inbox();
    const ts = await stream("TLS", server.handler);
    const tc = await stream("TLS", client.handler);
    expect(await tc.send(utf8(OPTIONS), ts.local)).toBe(true);
    const [req] = await server.waitFor(1);
    expect(req!.protocol).toBe("TLS");
    expect(fromUtf8(req!.data)).toBe(OPTIONS);
    await ts.send(utf8(OK), req!.remote, req!.connection);
    const [resp] = await client.waitFor(1);
    expect(fromUtf8(resp!.data)).toBe(OK);
  });

  test("fails the send at once when the server's certificate is not trusted (RFC 3261 §17.1.4)", async () => {
    const server = inbox();
    const ts = await stream("TLS", server.handler);
    // A verifying client: the fixture certificate is self-signed, so the handshake must fail.
    const tc = await createStreamTransport({
      protocol: "TLS",
      hostname: "127.0.0.1",
      port: 0,
      onMessage: () => {},
      tls: TLS,
    });
    open.push(tc);
    const started = performance.now();
    expect(await tc.send(utf8(OPTIONS), ts.local)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(server.got).toHaveLength(0);
  });
});
