/**
 * Hostile input on an established call, against the real gateway process (project rule "bad
 * input never crashes the gateway and never loses a call or an event"; spec/sip.md §3, §6, §7,
 * §9, §10). A raw UDP caller sets up a call the app accepts, then sends in-dialog garbage —
 * re-INVITEs with broken or codec-less SDP, INFO with odd DTMF bodies, an out-of-order CSeq, a
 * BYE with a wrong tag, a CANCEL after the answer — and throws malformed RTP and RTCP at the
 * call's media ports, including valid-looking RTP from a stranger after the caller's own RTP
 * (symmetric RTP latches once, RFC 4961). The call must stay `in_progress` with RTP still
 * flowing to the caller; the caller's BYE then ends it with `call.ended` reason `normal`, and
 * the process, `/health` and OPTIONS still answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import { getHeader, parseMessage, type SipResponse } from "../../src/sip/message/index.ts";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { waitExit } from "../support/peers.ts";
import { seededRandom } from "../support/seeded-random.ts";

type Socket = udp.Socket<"uint8array">;

/** A loopback UDP socket that records what it receives, with its source port. */
async function openSocket(onData: (d: Uint8Array, port: number) => void = () => {}): Promise<Socket> {
  return Bun.udpSocket({
    hostname: "127.0.0.1",
    port: 0,
    binaryType: "uint8array",
    socket: {
      data(_s, d, port) {
        onData(d.slice(), port);
      },
    },
  });
}

const sdp = (
  rtpPort: number,
  body: string[] = [
    "m=audio PORT RTP/AVP 0 101",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:101 telephone-event/8000",
    "a=sendrecv",
  ],
) =>
  [
    "v=0",
    "o=- 1 1 IN IP4 127.0.0.1",
    "s=-",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    ...body.map((l) => l.replace("PORT", String(rtpPort))),
    "",
  ].join("\r\n");

/** A caller's side of one dialog, speaking raw SIP over UDP. */
class RawCaller {
  readonly responses: SipResponse[] = [];
  readonly callId = `hostile-dialog-${Date.now()}@127.0.0.1`;
  readonly fromTag = "caller-tag";
  toTag = "";
  /** The gateway's answer SDP media port and its Contact URI. */
  gwRtpPort = 0;
  contact = "";
  private cseq = 1;
  private branches = 0;

  constructor(
    readonly sip: Socket,
    readonly gwPort: number,
  ) {}

  /** A request on this call; in-dialog when `inDialog` (To tag, Request-URI = Contact). */
  build(
    method: string,
    o: {
      inDialog?: boolean;
      body?: string;
      contentType?: string;
      cseq?: number;
      toTag?: string;
      headers?: string[];
    } = {},
  ): { text: string; cseq: number } {
    const cseq = o.cseq ?? (method === "ACK" || method === "CANCEL" ? this.cseq : ++this.cseq);
    const body = o.body ?? "";
    this.branches += 1;
    const uri = o.inDialog === true && this.contact !== "" ? this.contact : `sip:gw@127.0.0.1:${this.gwPort}`;
    const toTag = o.toTag ?? (o.inDialog === true ? this.toTag : "");
    const text = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.sip.port};branch=z9hG4bKhd${this.branches}x${Date.now()};rport`,
      "Max-Forwards: 70",
      `From: <sip:caller@127.0.0.1>;tag=${this.fromTag}`,
      `To: <sip:gw@127.0.0.1:${this.gwPort}>${toTag !== "" ? `;tag=${toTag}` : ""}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:caller@127.0.0.1:${this.sip.port}>`,
      ...(o.headers ?? []),
      ...(body !== "" ? [`Content-Type: ${o.contentType ?? "application/sdp"}`] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      "",
      body,
    ].join("\r\n");
    return { text, cseq };
  }

  send(text: string): void {
    this.sip.send(text, this.gwPort, "127.0.0.1");
  }

  /** Final response to the request with CSeq `cseq` and `method`. */
  async final(cseq: number, method: string, timeoutMs = 3000): Promise<SipResponse> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const r = this.responses.find(
        (x) =>
          x.status >= 200 &&
          getHeader(x, "call-id") === this.callId &&
          getHeader(x, "cseq") === `${cseq} ${method}`,
      );
      if (r !== undefined) return r;
      if (performance.now() > deadline) throw new Error(`no final response to ${method} (CSeq ${cseq})`);
      await Bun.sleep(5);
    }
  }

  /** Sends `method` in the dialog and resolves its final status. */
  async inDialog(
    method: string,
    o: { body?: string; contentType?: string; cseq?: number; headers?: string[] } = {},
  ): Promise<number> {
    const { text, cseq } = this.build(method, { ...o, inDialog: true });
    this.send(text);
    const r = await this.final(cseq, method);
    if (method === "INVITE") this.send(this.build("ACK", { inDialog: true, cseq }).text);
    return r.status;
  }
}

/** An RTP packet (RFC 3550 §5.1) with PCMU silence. */
function rtp(
  seq: number,
  ts: number,
  ssrc: number,
  pt = 0,
  payload = new Uint8Array(160).fill(0xff),
): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  const v = new DataView(p.buffer);
  p[0] = 0x80;
  p[1] = pt & 0x7f;
  v.setUint16(2, seq & 0xffff);
  v.setUint32(4, ts >>> 0);
  v.setUint32(8, ssrc >>> 0);
  p.set(payload, 12);
  return p;
}

/** Malformed or hostile RTP/RTCP datagrams, deterministic. */
function hostileMedia(): Uint8Array[] {
  const r = seededRandom(0x0bad0e7b);
  const out: Uint8Array[] = [new Uint8Array(0), new Uint8Array([0x80]), new Uint8Array(11).fill(0x80)];
  for (let i = 0; i < 60; i++) out.push(r.bytes(1 + r.int(1400)));
  const withHeader = (b0: number, b1: number, len: number) => {
    const p = rtp(1000, 1, 0xdead, 0, new Uint8Array(len));
    p[0] = b0;
    p[1] = b1;
    return p;
  };
  out.push(withHeader(0x8f, 0x00, 4)); // CC = 15 but no room for 15 CSRCs
  out.push(withHeader(0x90, 0x00, 4)); // X bit without a full extension header
  const ext = withHeader(0x90, 0x00, 8);
  ext.set([0xbe, 0xde, 0xff, 0xff], 12); // extension length 65535 words
  out.push(ext);
  const pad = withHeader(0xa0, 0x00, 20);
  pad[pad.length - 1] = 255; // padding count larger than the packet
  out.push(pad);
  const pad0 = withHeader(0xa0, 0x00, 20);
  pad0[pad0.length - 1] = 0; // padding count 0 (invalid, RFC 3550 §5.1)
  out.push(pad0);
  out.push(withHeader(0x40, 0x00, 160)); // version 1
  out.push(withHeader(0x00, 0x00, 160)); // version 0 (STUN-like)
  out.push(rtp(1, 1, 0xdead, 101, new Uint8Array([255, 0x80, 0, 0]))); // event 255, E bit, duration 0
  out.push(rtp(2, 2, 0xdead, 101, new Uint8Array([1]))); // event too short
  out.push(rtp(3, 3, 0xdead, 9, new Uint8Array(160))); // payload type not negotiated
  out.push(rtp(4, 4, 0xdead, 111, new Uint8Array(0))); // empty Opus
  out.push(rtp(5, 4_000_000_000, 0xdead, 0, new Uint8Array(0))); // empty payload
  out.push(rtp(65535, 0xffffffff, 0, 0)); // wrap edges
  out.push(rtp(0, 0, 0xffffffff, 0, new Uint8Array(8000))); // 1 s of audio in one packet
  out.push(new Uint8Array(65_000).fill(0x80));
  return out;
}

/** Malformed RTCP (RFC 3550 §6): wrong version, length fields past the end, empty compound. */
function hostileRtcp(): Uint8Array[] {
  const r = seededRandom(0x0bad7c9);
  const out: Uint8Array[] = [new Uint8Array(0), new Uint8Array(3)];
  for (let i = 0; i < 30; i++) out.push(r.bytes(1 + r.int(600)));
  out.push(new Uint8Array([0x80, 200, 0xff, 0xff, 0, 0, 0, 1])); // SR with length 65535
  out.push(new Uint8Array([0x9f, 201, 0x00, 0x01, 0, 0, 0, 1])); // RR claiming 31 blocks
  out.push(new Uint8Array([0x81, 203, 0x00, 0x01, 0, 0, 0, 1])); // BYE for a stranger SSRC
  out.push(new Uint8Array([0x81, 202, 0x00, 0x03, 0, 0, 0, 1, 1, 255, 0x41, 0x41])); // SDES item past the end
  return out;
}

describe("hostile input on an established call", () => {
  let rig: CallRig;
  let sipSock: Socket;
  let rtpSock: Socket;
  let caller: RawCaller;
  let callId = "";
  /** RTP the gateway sent to the caller's media socket. */
  let rtpToCaller = 0;

  async function expectCallAlive(): Promise<void> {
    const res = await rig.api(`/v1/calls/${callId}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("in_progress");
    const before = rtpToCaller;
    const deadline = performance.now() + 2000;
    while (rtpToCaller < before + 5 && performance.now() < deadline) await Bun.sleep(20);
    expect(rtpToCaller, "the gateway stopped sending RTP to the caller").toBeGreaterThanOrEqual(before + 5);
  }

  async function expectGatewayAlive(): Promise<void> {
    expect(await waitExit(rig.gw.proc, 20), rig.gw.proc.log().slice(-4000)).toBeUndefined();
    expect((await fetch(`${rig.httpUrl}/health`)).status).toBe(200);
    const { text, cseq } = caller.build("OPTIONS");
    caller.send(text);
    expect((await caller.final(cseq, "OPTIONS")).status).toBe(200);
  }

  beforeAll(async () => {
    rig = await startCallRig();
    sipSock = await openSocket((d) => {
      const m = parseMessage(d);
      if (m.ok && m.value.kind === "response") caller.responses.push(m.value);
    });
    rtpSock = await openSocket(() => {
      rtpToCaller += 1;
    });
    caller = new RawCaller(sipSock, rig.sipPort);
    const { text, cseq } = caller.build("INVITE", { body: sdp(rtpSock.port) });
    caller.send(text);
    const ok = await caller.final(cseq, "INVITE", 5000);
    expect(ok.status).toBe(200);
    caller.toTag = /;tag=([^;>\s]+)/.exec(getHeader(ok, "to") ?? "")?.[1] ?? "";
    caller.contact = /<([^>]+)>/.exec(getHeader(ok, "contact") ?? "")?.[1] ?? "";
    caller.gwRtpPort = Number(/m=audio (\d+)/.exec(new TextDecoder().decode(ok.body))?.[1] ?? 0);
    caller.send(caller.build("ACK", { inDialog: true, cseq }).text);
    callId = (await rig.app.waitForIncoming(1, 3000)).body.call_id;
    await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.answered", 3000);
    // The caller's own RTP first, so the gateway latches to it (RFC 4961).
    for (let i = 0; i < 5; i++) rtpSock.send(rtp(i, i * 160, 0xc0ffee), caller.gwRtpPort, "127.0.0.1");
  }, 15_000);

  afterAll(async () => {
    sipSock?.close();
    rtpSock?.close();
    await rig?.stop();
  });

  test("the call is up: 200 with an SDP answer, To tag and Contact, RTP flowing to the caller", async () => {
    expect(caller.toTag).not.toBe("");
    expect(caller.contact).toMatch(/^sip:/);
    expect(caller.gwRtpPort).toBeGreaterThan(0);
    await expectCallAlive();
  });

  test("answers re-INVITEs with broken or codec-less SDP with a 4xx and keeps the call", async () => {
    const bodies: [string, string][] = [
      ["not SDP", "hello\r\nworld\r\n"],
      ["no m= line", sdp(rtpSock.port, [])],
      ["only video", sdp(rtpSock.port, ["m=video PORT RTP/AVP 96", "a=rtpmap:96 VP8/90000"])],
      ["no common codec", sdp(rtpSock.port, ["m=audio PORT RTP/AVP 18", "a=rtpmap:18 G729/8000"])],
      ["port out of range", sdp(rtpSock.port, ["m=audio 99999 RTP/AVP 0"])],
      [
        "SAVP with an unknown crypto suite",
        sdp(rtpSock.port, ["m=audio PORT RTP/SAVP 0", "a=crypto:1 F8_128_HMAC_SHA1_80 inline:AAAA"]),
      ],
      ["binary", String.fromCharCode(...seededRandom(7).bytes(300))],
    ];
    for (const [label, body] of bodies) {
      const status = await caller.inDialog("INVITE", { body });
      expect(status, label).toBeGreaterThanOrEqual(400);
      expect(status, label).toBeLessThan(500);
    }
    await expectCallAlive();
  });

  test("answers INFO with odd DTMF bodies 200 and reports no bogus digit", async () => {
    const infos: [string, string][] = [
      ["application/dtmf-relay", "Signal=Z\r\nDuration=100\r\n"],
      ["application/dtmf-relay", "Signal=\r\n"],
      ["application/dtmf-relay", `Signal=${"1".repeat(5000)}\r\n`],
      ["application/dtmf-relay", "garbage without equals"],
      ["application/dtmf", "99"],
      ["application/dtmf", ""],
      ["application/x-unknown", "\u0000\u0001\u0002"],
    ];
    for (const [contentType, body] of infos)
      expect(await caller.inDialog("INFO", { body, contentType }), body).toBe(200);
    await Bun.sleep(200);
    const digits = rig.app.eventsOf(callId).filter((e) => e.event === "call.dtmf");
    expect(digits).toEqual([]);
    await expectCallAlive();
  });

  test("answers a request with a CSeq lower than the last one 500, a BYE with a wrong To tag 481, a late CANCEL 481, and keeps the call", async () => {
    const stale = caller.build("INFO", { inDialog: true, cseq: 1 });
    caller.send(stale.text);
    // The INVITE used CSeq 1, so a second CSeq 1 INFO is out of order (RFC 3261 §12.2.2).
    expect((await caller.final(1, "INFO")).status).toBe(500);
    const bye = caller.build("BYE", { inDialog: true, toTag: "not-the-gateways-tag" });
    caller.send(bye.text);
    expect((await caller.final(bye.cseq, "BYE")).status).toBe(481);
    const cancel = caller.build("CANCEL", { cseq: 1 });
    caller.send(cancel.text);
    expect((await caller.final(1, "CANCEL")).status).toBe(481);
    await expectCallAlive();
  });

  test("survives malformed RTP and RTCP at the call's media ports and keeps sending RTP to the caller", async () => {
    const attacker = await openSocket();
    try {
      const media = hostileMedia();
      for (let i = 0; i < media.length; i++) {
        rtpSock.send(media[i]!, caller.gwRtpPort, "127.0.0.1");
        if (i % 20 === 19) await Bun.sleep(5);
      }
      for (const p of hostileRtcp()) rtpSock.send(p, caller.gwRtpPort + 1, "127.0.0.1");
      await Bun.sleep(100);
      await expectCallAlive();
      await expectGatewayAlive();
    } finally {
      attacker.close();
    }
  });

  test("keeps sending RTP to the caller when a stranger sends valid RTP from another port after the caller's own (latched once)", async () => {
    let toAttacker = 0;
    const attacker = await openSocket(() => {
      toAttacker += 1;
    });
    try {
      for (let i = 0; i < 25; i++) {
        attacker.send(rtp(5000 + i, 800_000 + i * 160, 0x0ba1), caller.gwRtpPort, "127.0.0.1");
        await Bun.sleep(4);
      }
      await expectCallAlive();
      await Bun.sleep(200);
      expect(toAttacker, "RTP was redirected to the stranger").toBe(0);
    } finally {
      attacker.close();
    }
  });

  test("the caller's BYE still ends the call normally: 200, call.ended(normal), then 404 and a healthy gateway", async () => {
    expect(await caller.inDialog("BYE")).toBe(200);
    const ended = await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.ended", 5000);
    expect(ended.reason).toBe("normal");
    expect((await rig.api(`/v1/calls/${callId}`)).status).toBe(404);
    expect(rig.app.eventsOf(callId).filter((e) => e.event === "call.ended")).toHaveLength(1);
    await expectGatewayAlive();
  });
});
