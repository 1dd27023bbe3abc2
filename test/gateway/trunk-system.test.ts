/**
 * The trunk system's wiring on real loopback sockets against a scripted carrier (a UDP
 * registrar/proxy written here): REGISTER succeeds, our INVITE carries the sip.md §2 URIs,
 * `P-Asserted-Identity` and registered Contact, is answered once with credentials after a 407,
 * follows a 302, and reports ringing/answered; an INVITE from the carrier to our Contact
 * reaches the decision with `trunk` set, while one for another user gets 404.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import type { CallManager } from "../../src/call/call-manager.ts";
import type { CallEvent, IncomingCallRequest } from "../../src/call/events.ts";
import type { TrunkConfig } from "../../src/config/index.ts";
import { createTrunkSystem, type TrunkSystem } from "../../src/gateway/trunk-system.ts";
import { fromUtf8, utf8 } from "../../src/lib/bytes.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../src/runtime/system-clock.ts";
import {
  createResponse,
  getHeader,
  parseMessage,
  type SipRequest,
  type SipResponse,
  serializeMessage,
} from "../../src/sip/message/index.ts";
import { acceptingTrunkCalls } from "../support/trunk-calls.ts";

const ANSWER = (port: number) =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n`;

/** A scripted carrier: registrar + proxy on one UDP socket. */
class Carrier {
  readonly requests: SipRequest[] = [];
  readonly responses: SipResponse[] = [];
  contact = "";
  private socket!: udp.Socket<"uint8array">;
  private from = { address: "127.0.0.1", port: 0 };

  async start(): Promise<void> {
    this.socket = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data: (_s, data, port, address) => {
          this.from = { address, port };
          const m = parseMessage(data);
          if (!m.ok) return;
          if (m.value.kind === "response") this.responses.push(m.value);
          else this.onRequest(m.value);
        },
      },
    });
  }

  get port(): number {
    return this.socket.port;
  }

  send(text: string | Uint8Array, port = this.from.port): void {
    this.socket.send(typeof text === "string" ? utf8(text) : text, port, "127.0.0.1");
  }

  private reply(req: SipRequest, status: number, opts: Parameters<typeof createResponse>[3] = {}): void {
    this.send(serializeMessage(createResponse(req, status, undefined, { toTag: "carrier1", ...opts })));
  }

  private onRequest(req: SipRequest): void {
    this.requests.push(req);
    const user = /^sips?:([^@]+)@/.exec(req.uri)?.[1];
    if (req.method === "REGISTER") {
      this.contact = (getHeader(req, "Contact") ?? "").replace(/^<|>.*$/g, "");
      this.reply(req, 200, { headers: [{ name: "Contact", value: `<${this.contact}>;expires=60` }] });
    } else if (req.method === "INVITE" && getHeader(req, "Proxy-Authorization") === undefined) {
      this.reply(req, 407, {
        headers: [
          {
            name: "Proxy-Authenticate",
            value: 'Digest realm="carrier", nonce="n0nce", qop="auth", algorithm=MD5',
          },
        ],
      });
    } else if (req.method === "INVITE" && user !== "moved") {
      this.reply(req, 302, { headers: [{ name: "Contact", value: `<sip:moved@127.0.0.1:${this.port}>` }] });
    } else if (req.method === "INVITE") {
      this.reply(req, 180);
      this.reply(req, 200, {
        headers: [{ name: "Contact", value: `<sip:moved@127.0.0.1:${this.port}>` }],
        body: utf8(ANSWER(this.port + 2)),
        contentType: "application/sdp",
      });
    } else if (req.method !== "ACK") this.reply(req, 200);
  }

  /** An INVITE to our registered Contact, as a registrar forwards one (RFC 3261 §16.5). */
  inviteToContact(user: string, callId: string): void {
    const target = this.contact.replace(/^sip:[^@]+@/, `sip:${user}@`);
    const hostPort = /@([^;>]+)/.exec(this.contact)?.[1] ?? "";
    const port = Number(hostPort.split(":")[1]);
    const sdp = ANSWER(this.port + 4);
    this.send(
      [
        `INVITE ${target} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${callId}`,
        "Max-Forwards: 69",
        `From: <sip:alice@127.0.0.1>;tag=a${callId}`,
        `To: <sip:${user}@127.0.0.1>`,
        `Call-ID: ${callId}`,
        "CSeq: 1 INVITE",
        `Contact: <sip:alice@127.0.0.1:${this.port}>`,
        "Content-Type: application/sdp",
        `Content-Length: ${sdp.length}`,
        "",
        sdp,
      ].join("\r\n"),
      port,
    );
  }

  close(): void {
    this.socket.close();
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (check()) return true;
    await Bun.sleep(20);
  }
  return false;
}

describe("trunk system on loopback against a scripted carrier (sip.md §2)", () => {
  const carrier = new Carrier();
  const events: CallEvent[] = [];
  const decisions: IncomingCallRequest[] = [];
  let system: TrunkSystem;
  let manager: CallManager;

  beforeAll(async () => {
    await carrier.start();
    const trunk: TrunkConfig = {
      name: "carrier",
      username: "gateway",
      password: "gatewaypw",
      host: "127.0.0.1",
      port: carrier.port,
      transport: "udp",
      rtpPorts: { min: 0, max: 0 },
      srtp: false,
    };
    const timers = createSystemTimers();
    const built = await createTrunkSystem([trunk], {
      clock: systemClock,
      timers,
      random: cryptoRandom,
      logger: nullLogger,
      bindAddress: "127.0.0.1",
    });
    if (!built.ok || built.value === undefined) throw new Error("trunk system not built");
    system = built.value;
    manager = acceptingTrunkCalls(system, timers, decisions, events);
    if (!(await until(() => system.registrations.isRegistered("carrier"), 5000)))
      throw new Error("not registered");
  });

  afterAll(async () => {
    manager.shutdown();
    await system.unregister(500);
    await system.close();
    carrier.close();
  });

  test("returns nothing to build when no trunk is configured", async () => {
    const none = await createTrunkSystem([], {
      clock: systemClock,
      timers: createSystemTimers(),
      random: cryptoRandom,
      logger: nullLogger,
    });
    expect(none.ok && none.value).toBeUndefined();
  });

  test("an outbound call: URIs, P-Asserted-Identity and Contact, one retry with Proxy-Authorization after 407, the 302 followed, ringing and answered", async () => {
    const created = await manager.create({ to: "+15551234567", from: "+15559876543" });
    if (!created.ok) throw created.error;
    const id = created.value.callId;
    expect(await until(() => manager.get(id)?.status === "in_progress", 5000)).toBe(true);
    const invites = carrier.requests.filter((r) => r.method === "INVITE");
    expect(invites.map((r) => r.uri)).toEqual([
      `sip:+15551234567@127.0.0.1:${carrier.port}`,
      `sip:+15551234567@127.0.0.1:${carrier.port}`,
      `sip:moved@127.0.0.1:${carrier.port}`,
    ]);
    const first = invites[0]!;
    expect(getHeader(first, "From")).toStartWith(`<sip:+15559876543@127.0.0.1:${carrier.port}>;tag=`);
    expect(getHeader(first, "P-Asserted-Identity")).toBe(`<sip:+15559876543@127.0.0.1:${carrier.port}>`);
    expect(getHeader(first, "Contact")).toBe(`<${carrier.contact}>`);
    expect(getHeader(first, "Proxy-Authorization")).toBeUndefined();
    expect(getHeader(invites[1]!, "Proxy-Authorization")).toMatch(
      /^Digest username="gateway", realm="carrier"/,
    );
    expect(events.filter((e) => e.callId === id).map((e) => e.type)).toEqual([
      "call.ringing",
      "call.answered",
    ]);
    expect(manager.hangup(id).ok).toBe(true);
    expect(await until(() => carrier.requests.some((r) => r.method === "BYE"), 2000)).toBe(true);
  });

  test("an INVITE to our Contact reaches the decision with the trunk and is answered at our address", async () => {
    carrier.inviteToContact("gateway", "in1");
    expect(await until(() => carrier.responses.some((r) => r.status === 200), 5000)).toBe(true);
    expect(decisions.at(-1)).toMatchObject({ from: "alice", to: "gateway", trunk: "carrier" });
    const ok = carrier.responses.find((r) => r.status === 200)!;
    expect(fromUtf8(ok.body)).toContain("c=IN IP4 127.0.0.1");
    expect(carrier.responses.map((r) => r.status)).toContain(180);
  });

  test("an INVITE to our Contact for another user gets 404 and no decision", async () => {
    const before = decisions.length;
    carrier.inviteToContact("someone-else", "in2");
    expect(await until(() => carrier.responses.some((r) => r.status === 404), 5000)).toBe(true);
    expect(decisions).toHaveLength(before);
  });
});
