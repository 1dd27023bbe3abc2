/**
 * Racing hangups against the real gateway process (project rule "never loses a call or an
 * event"; rest-api.md DELETE, sip.md §6, webhooks.md §2 "every call_id that was announced gets
 * exactly one call.ended"): 30 concurrent REST DELETEs of one call, a caller BYE crossing a REST
 * DELETE, and CANCELs timed around the app's accept. Whatever wins, each call ends exactly once,
 * the caller's view agrees (one BYE, or a 487, or a 200 it can ACK and BYE), and the process,
 * `/health` and OPTIONS still answer. Raw UDP callers, no external program.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import { getHeader, parseMessage, type SipMessage } from "../../src/sip/message/index.ts";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { waitExit } from "../support/peers.ts";

type Socket = udp.Socket<"uint8array">;

const SDP = [
  "v=0",
  "o=- 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 40004 RTP/AVP 0",
  "a=rtpmap:0 PCMU/8000",
  "",
].join("\r\n");

let serial = 0;

/** One raw UDP caller with its own socket; records every message the gateway sends it. */
class Caller {
  readonly received: SipMessage[] = [];
  readonly callId: string;
  readonly user: string;
  toTag = "";
  contact = "";
  private cseq = 1;
  private readonly inviteBranch: string;

  private constructor(
    private readonly sock: Socket,
    private readonly gwPort: number,
  ) {
    serial += 1;
    this.callId = `race-${serial}-${Date.now()}@127.0.0.1`;
    this.user = `race${serial}`;
    this.inviteBranch = `z9hG4bKrace${serial}x${Date.now()}`;
  }

  static async open(gwPort: number): Promise<Caller> {
    let caller: Caller | undefined;
    const sock = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      binaryType: "uint8array",
      socket: {
        data(_s, d) {
          const m = parseMessage(d.slice());
          if (!m.ok || caller === undefined) return;
          caller.received.push(m.value);
          // Answer the gateway's BYE like any UA would (RFC 3261 §15.1.2).
          if (m.value.kind === "request" && m.value.method === "BYE") caller.respond(m.value, 200);
        },
      },
    });
    caller = new Caller(sock, gwPort);
    return caller;
  }

  private line(method: string, cseq: number, branch: string, inDialog: boolean): string {
    const uri = inDialog && this.contact !== "" ? this.contact : `sip:${this.user}@127.0.0.1:${this.gwPort}`;
    const body = method === "INVITE" ? SDP : "";
    return [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.sock.port};branch=${branch};rport`,
      "Max-Forwards: 70",
      "From: <sip:caller@127.0.0.1>;tag=racer",
      `To: <sip:${this.user}@127.0.0.1:${this.gwPort}>${inDialog && this.toTag !== "" ? `;tag=${this.toTag}` : ""}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:caller@127.0.0.1:${this.sock.port}>`,
      ...(body !== "" ? ["Content-Type: application/sdp"] : []),
      `Content-Length: ${body.length}`,
      "",
      body,
    ].join("\r\n");
  }

  send(text: string): void {
    this.sock.send(text, this.gwPort, "127.0.0.1");
  }

  respond(req: SipMessage, status: number): void {
    const h = (n: string) => getHeader(req, n) ?? "";
    const vias = req.headers.filter((x) => x.name.toLowerCase() === "via").map((x) => `Via: ${x.value}`);
    this.send(
      [
        `SIP/2.0 ${status} OK`,
        ...vias,
        `From: ${h("from")}`,
        `To: ${h("to")}`,
        `Call-ID: ${h("call-id")}`,
        `CSeq: ${h("cseq")}`,
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n"),
    );
  }

  invite(): void {
    this.send(this.line("INVITE", 1, this.inviteBranch, false));
  }

  /** CANCEL for the INVITE: same branch and CSeq number (RFC 3261 §9.1). */
  cancel(): void {
    this.send(this.line("CANCEL", 1, this.inviteBranch, false));
  }

  /** ACK for the final response to the INVITE (same branch for non-2xx, §17.1.1.3; new for 2xx, §13.2.2.4). */
  ack(final: SipMessage): void {
    if (final.kind !== "response") return;
    const to = getHeader(final, "to") ?? "";
    this.toTag = /;tag=([^;>\s]+)/.exec(to)?.[1] ?? this.toTag;
    this.contact = /<([^>]+)>/.exec(getHeader(final, "contact") ?? "")?.[1] ?? this.contact;
    const branch = final.status >= 300 ? this.inviteBranch : `${this.inviteBranch}ack`;
    this.send(this.line("ACK", 1, branch, final.status < 300));
  }

  bye(): void {
    this.cseq += 1;
    this.send(this.line("BYE", this.cseq, `${this.inviteBranch}bye${this.cseq}`, true));
  }

  /** The first response with `status` range and CSeq method, waiting up to `ms`. */
  async response(method: string, accept: (s: number) => boolean, ms = 3000): Promise<SipMessage | undefined> {
    const find = () =>
      this.received.find(
        (m) =>
          m.kind === "response" && accept(m.status) && (getHeader(m, "cseq") ?? "").endsWith(` ${method}`),
      );
    const deadline = performance.now() + ms;
    while (find() === undefined && performance.now() < deadline) await Bun.sleep(5);
    return find();
  }

  byesFromGateway(): number {
    return this.received.filter((m) => m.kind === "request" && m.method === "BYE").length;
  }

  close(): void {
    this.sock.close();
  }
}

describe("racing hangups", () => {
  let rig: CallRig;
  const delays = new Map<string, number>();
  const callers: Caller[] = [];

  async function answeredCall(): Promise<{ caller: Caller; callId: string }> {
    const caller = await Caller.open(rig.sipPort);
    callers.push(caller);
    const n = rig.app.incoming.length;
    caller.invite();
    const ok = await caller.response("INVITE", (s) => s >= 200, 5000);
    expect(ok?.kind === "response" ? ok.status : 0).toBe(200);
    caller.ack(ok!);
    const req = await rig.app.waitForIncoming(n + 1, 3000);
    const callId = rig.app.incoming.find((r) => r.body.to === caller.user)?.body.call_id ?? req.body.call_id;
    await rig.app.waitForEvent((e) => e.call_id === callId && e.event === "call.answered", 3000);
    return { caller, callId };
  }

  async function endedEvents(callId: string, settleMs = 500): Promise<string[]> {
    await rig.app.waitForEvent(
      (e) => e.call_id === callId && e.event === "call.ended",
      5000,
      `ended ${callId}`,
    );
    await Bun.sleep(settleMs);
    return rig.app
      .eventsOf(callId)
      .filter((e) => e.event === "call.ended")
      .map((e) => e.reason ?? "");
  }

  async function expectAlive(): Promise<void> {
    expect(await waitExit(rig.gw.proc, 20), rig.gw.proc.log().slice(-4000)).toBeUndefined();
    expect((await fetch(`${rig.httpUrl}/health`)).status).toBe(200);
    const probe = await Caller.open(rig.sipPort);
    try {
      const text = [
        `OPTIONS sip:gw@127.0.0.1:${rig.sipPort} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKalive${probe.user};rport`,
        "Max-Forwards: 70",
        "From: <sip:p@127.0.0.1>;tag=p",
        "To: <sip:gw@127.0.0.1>",
        `Call-ID: ${probe.callId}`,
        "CSeq: 1 OPTIONS",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n");
      // Through the caller's socket so the answer (rport) comes back to it.
      probe.send(text);
      const r = await probe.response("OPTIONS", (s) => s >= 200, 2000);
      expect(r?.kind === "response" ? r.status : 0).toBe(200);
    } finally {
      probe.close();
    }
  }

  beforeAll(async () => {
    rig = await startCallRig({
      decide: (req) => ({ kind: "accept", delayMs: delays.get(req.to) ?? 0 }),
    });
  }, 15_000);
  afterAll(async () => {
    for (const c of callers) c.close();
    await rig?.stop();
  });

  test("30 concurrent DELETEs of one answered call: exactly one 204, the rest 404, one BYE to the caller, one call.ended(local)", async () => {
    const { caller, callId } = await answeredCall();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () =>
        rig.api(`/v1/calls/${callId}`, { method: "DELETE" }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 204 && s !== 404)).toEqual([]);
    expect(await endedEvents(callId)).toEqual(["local"]);
    expect(caller.byesFromGateway()).toBeGreaterThanOrEqual(1);
    // Retransmissions of the one BYE are fine; a second BYE transaction is not.
    const branches = new Set(
      caller.received
        .filter((m) => m.kind === "request" && m.method === "BYE")
        .map((m) => getHeader(m, "via")),
    );
    expect(branches.size).toBe(1);
    await expectAlive();
  });

  test("a caller BYE crossing a REST DELETE: one call.ended, the DELETE gets 204 or 404 and the BYE 200 or 481", async () => {
    for (let round = 0; round < 5; round++) {
      const { caller, callId } = await answeredCall();
      const del = rig.api(`/v1/calls/${callId}`, { method: "DELETE" }).then((r) => r.status);
      caller.bye();
      expect([204, 404]).toContain(await del);
      const byeAnswer = await caller.response("BYE", (s) => s >= 200, 3000);
      expect([200, 481]).toContain(byeAnswer?.kind === "response" ? byeAnswer.status : 0);
      const reasons = await endedEvents(callId, 200);
      expect(reasons).toHaveLength(1);
      expect(["local", "normal"]).toContain(reasons[0]!);
    }
    await expectAlive();
  }, 30_000);

  test("CANCELs timed around the app's accept: each call ends exactly once and the caller sees 487, or a 200 it ACKs and BYEs", async () => {
    const outcomes: string[] = [];
    const runs = [150, 180, 195, 200, 205, 210, 220, 250].map(async (cancelAt, i) => {
      const caller = await Caller.open(rig.sipPort);
      callers.push(caller);
      delays.set(caller.user, 200);
      caller.invite();
      await Bun.sleep(cancelAt);
      caller.cancel();
      const final = await caller.response("INVITE", (s) => s >= 200, 5000);
      const status = final?.kind === "response" ? final.status : 0;
      expect([200, 487], `run ${i}`).toContain(status);
      caller.ack(final!);
      if (status === 200) caller.bye();
      const req = await (async () => {
        const deadline = performance.now() + 3000;
        for (;;) {
          const r = rig.app.incoming.find((x) => x.body.to === caller.user);
          if (r !== undefined || performance.now() > deadline) return r;
          await Bun.sleep(10);
        }
      })();
      expect(req, `run ${i}: the app was never asked`).toBeDefined();
      const reasons = await endedEvents(req!.body.call_id, 300);
      expect(reasons, `run ${i}`).toHaveLength(1);
      expect(reasons[0]).toBe(status === 200 ? "normal" : "cancelled");
      outcomes.push(`${cancelAt}ms:${status}`);
    });
    await Promise.all(runs);
    expect(outcomes).toHaveLength(8);
    await expectAlive();
  }, 30_000);
});
