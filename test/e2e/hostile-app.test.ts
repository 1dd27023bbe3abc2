/**
 * Hostile answers from the app to `POST …/incoming`, against the real gateway process
 * (spec/webhooks.md §2 "Response" and "Outcomes"; sip.md §5): wrong-typed optional fields,
 * out-of-range `sip_code`, non-http `webhook_url`, non-string custom parameters, a JSON array,
 * a 5 MiB body, no answer at all. Each must give the caller a clear SIP final response
 * (503 for an unusable answer, the reject code for a usable one) and exactly one `call.ended`;
 * the process, `/health` and OPTIONS still answer afterwards. Raw UDP INVITEs (no external
 * program), one per case, all in flight at once; the case is chosen by the To user.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import { getHeader, parseMessage, type SipResponse } from "../../src/sip/message/index.ts";
import { type CallRig, type Decision, startCallRig } from "../support/app-server.ts";
import { waitExit } from "../support/peers.ts";

interface Case {
  readonly label: string;
  readonly decision: Decision;
  /** SIP final response the caller must get. */
  readonly status: number;
  /** `call.ended` reason. */
  readonly reason: "error" | "rejected";
}

const json = (v: unknown): Decision => ({ kind: "status", status: 200, body: JSON.stringify(v) });

const CASES: readonly Case[] = [
  {
    label: "stream as a string",
    decision: json({ action: "accept", stream: "false" }),
    status: 503,
    reason: "error",
  },
  {
    label: "custom_parameters with a number",
    decision: json({ action: "accept", custom_parameters: { a: 1 } }),
    status: 503,
    reason: "error",
  },
  {
    label: "custom_parameters as an array",
    decision: json({ action: "accept", custom_parameters: ["a"] }),
    status: 503,
    reason: "error",
  },
  {
    label: "webhook_url javascript:",
    decision: json({ action: "accept", webhook_url: "javascript:alert(1)" }),
    status: 503,
    reason: "error",
  },
  {
    label: "webhook_url as a number",
    decision: json({ action: "accept", webhook_url: 80 }),
    status: 503,
    reason: "error",
  },
  {
    label: "sip_code 200",
    decision: json({ action: "reject", sip_code: 200 }),
    status: 503,
    reason: "error",
  },
  {
    label: "sip_code 700",
    decision: json({ action: "reject", sip_code: 700 }),
    status: 503,
    reason: "error",
  },
  {
    label: "sip_code as a string",
    decision: json({ action: "reject", sip_code: "486" }),
    status: 503,
    reason: "error",
  },
  {
    label: "sip_code 486.5",
    decision: json({ action: "reject", sip_code: 486.5 }),
    status: 503,
    reason: "error",
  },
  {
    label: "reason as a number",
    decision: json({ action: "reject", reason: 5 }),
    status: 503,
    reason: "error",
  },
  { label: "action in upper case", decision: json({ action: "ACCEPT" }), status: 503, reason: "error" },
  { label: "a JSON array", decision: json([{ action: "accept" }]), status: 503, reason: "error" },
  {
    label: "JSON null",
    decision: { kind: "status", status: 200, body: "null" },
    status: 503,
    reason: "error",
  },
  {
    label: "an empty 200",
    decision: { kind: "status", status: 200, body: "" },
    status: 503,
    reason: "error",
  },
  {
    label: "a 5 MiB body",
    decision: {
      kind: "status",
      status: 200,
      body: `{"action":"accept","pad":"${"x".repeat(5 * 1024 * 1024)}"}`,
    },
    status: 503,
    reason: "error",
  },
  { label: "HTTP 204", decision: { kind: "status", status: 204 }, status: 503, reason: "error" },
  { label: "no answer within webhook.timeout", decision: { kind: "never" }, status: 503, reason: "error" },
  // Usable answers with odd but legal content.
  {
    label: "a 10 000-character reason",
    decision: json({ action: "reject", reason: "r".repeat(10_000) }),
    status: 486,
    reason: "rejected",
  },
  {
    label: "sip_code 699",
    decision: json({ action: "reject", sip_code: 699 }),
    status: 699,
    reason: "rejected",
  },
  {
    label: "reason __proto__",
    decision: json({ action: "reject", reason: "__proto__" }),
    status: 486,
    reason: "rejected",
  },
];

const SDP = [
  "v=0",
  "o=- 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 40002 RTP/AVP 0",
  "a=rtpmap:0 PCMU/8000",
  "",
].join("\r\n");

function invite(
  sock: udp.Socket<"uint8array">,
  gwPort: number,
  user: string,
  callId: string,
  method = "INVITE",
): string {
  return [
    `${method} sip:${user}@127.0.0.1:${gwPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${sock.port};branch=z9hG4bK${callId.replace(/\W/g, "")};rport`,
    "Max-Forwards: 70",
    "From: <sip:caller@127.0.0.1>;tag=hostile-app",
    `To: <sip:${user}@127.0.0.1:${gwPort}>`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:caller@127.0.0.1:${sock.port}>`,
    ...(method === "INVITE" ? ["Content-Type: application/sdp"] : []),
    `Content-Length: ${method === "INVITE" ? SDP.length : 0}`,
    "",
    method === "INVITE" ? SDP : "",
  ].join("\r\n");
}

describe("hostile /incoming answers from the app", () => {
  let rig: CallRig;
  let sock: udp.Socket<"uint8array">;
  const responses: SipResponse[] = [];
  const finalFor = (callId: string) =>
    responses.find(
      (r) =>
        r.status >= 200 && getHeader(r, "call-id") === callId && getHeader(r, "cseq")?.endsWith("INVITE"),
    );

  beforeAll(async () => {
    rig = await startCallRig({
      timeout: "2s",
      decide: (req) =>
        req.to.startsWith("flood")
          ? { kind: "never" }
          : (CASES[Number(/^case(\d+)$/.exec(req.to)?.[1] ?? -1)]?.decision ?? {
              kind: "status",
              status: 500,
            }),
    });
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
  }, 15_000);
  afterAll(async () => {
    sock?.close();
    await rig?.stop();
  });

  test(`gives the caller a clear final response and exactly one call.ended for each of ${CASES.length} odd answers`, async () => {
    const stamp = Date.now().toString(36);
    const ids = CASES.map((_, i) => `hostile-app-${i}-${stamp}`);
    for (const [i, id] of ids.entries())
      sock.send(invite(sock, rig.sipPort, `case${i}`, id), rig.sipPort, "127.0.0.1");
    const deadline = performance.now() + 8000;
    while (ids.some((id) => finalFor(id) === undefined) && performance.now() < deadline) await Bun.sleep(20);
    const got = CASES.map((c, i) => `${c.label}: ${finalFor(ids[i]!)?.status ?? "none"}`);
    expect(got).toEqual(CASES.map((c) => `${c.label}: ${c.status}`));

    // Map SIP Call-IDs to gateway call ids through the /incoming bodies (To user = case index).
    await rig.app.waitForIncoming(CASES.length, 3000);
    const endedBy = async (i: number) => {
      const req = rig.app.incoming.find((r) => r.body.to === `case${i}`);
      expect(req, CASES[i]!.label).toBeDefined();
      const callId = req!.body.call_id;
      await rig.app.waitForEvent(
        (e) => e.call_id === callId && e.event === "call.ended",
        5000,
        `ended ${callId}`,
      );
      return rig.app.eventsOf(callId).filter((e) => e.event === "call.ended");
    };
    for (let i = 0; i < CASES.length; i++) {
      const ended = await endedBy(i);
      expect(
        ended.map((e) => e.reason),
        CASES[i]!.label,
      ).toEqual([CASES[i]!.reason]);
    }
    // ACK the non-2xx finals (RFC 3261 §17.1.1.3) so the gateway stops retransmitting.
    for (const [i, id] of ids.entries())
      sock.send(invite(sock, rig.sipPort, `case${i}`, id, "ACK"), rig.sipPort, "127.0.0.1");
  }, 20_000);

  test("a flood of 300 INVITEs while the app never answers: 256 wait for the app, the rest get 503 at once, all get 503 after webhook.timeout and every announced call ends once", async () => {
    const before = rig.app.incoming.length;
    const stamp = Date.now().toString(36);
    const ids = Array.from({ length: 300 }, (_, i) => `flood-${i}-${stamp}`);
    for (let i = 0; i < ids.length; i++) {
      sock.send(invite(sock, rig.sipPort, `flood${i}`, ids[i]!), rig.sipPort, "127.0.0.1");
      if (i % 50 === 49) await Bun.sleep(5);
    }
    // RFC 3261 §17.1.1.2 Timer A: like any UDP client, retransmit an INVITE that got no answer
    // at all (a burst this size can overflow the gateway's socket buffer; that is UDP, not a bug).
    const answered = (id: string) => responses.some((r) => getHeader(r, "call-id") === id);
    for (let round = 0, wait = 500; round < 5 && ids.some((id) => !answered(id)); round++, wait *= 2) {
      await Bun.sleep(wait);
      ids.forEach((id, i) => {
        if (!answered(id)) sock.send(invite(sock, rig.sipPort, `flood${i}`, id), rig.sipPort, "127.0.0.1");
      });
    }
    const deadline = performance.now() + 8000;
    while (ids.some((id) => finalFor(id) === undefined) && performance.now() < deadline) await Bun.sleep(50);
    const finals = ids.map((id) => finalFor(id)?.status ?? 0);
    expect(finals.filter((s) => s !== 503)).toEqual([]);
    const announced = rig.app.incoming.slice(before).map((r) => r.body.call_id);
    const endDeadline = performance.now() + 5000;
    const endedOnce = () =>
      announced.filter((id) => rig.app.eventsOf(id).filter((e) => e.event === "call.ended").length === 1)
        .length;
    while (endedOnce() < announced.length && performance.now() < endDeadline) await Bun.sleep(50);
    expect(endedOnce()).toBe(announced.length);
    // webhooks.md §2: at most 256 calls await a decision at once; the next INVITE gets 503. Until
    // the first of them timed out, exactly 256 reached the app (a late retransmission may be
    // admitted into a freed slot afterwards, and must then end too).
    const firstEnd = Math.min(
      ...rig.app.events
        .filter((e) => e.body.event === "call.ended" && announced.includes(e.body.call_id))
        .map((e) => e.at),
    );
    expect(rig.app.incoming.slice(before).filter((r) => r.at < firstEnd)).toHaveLength(256);
    for (const [i, id] of ids.entries())
      sock.send(invite(sock, rig.sipPort, `flood${i}`, id, "ACK"), rig.sipPort, "127.0.0.1");
  }, 25_000);

  test("keeps running afterwards: process up, /health 200, OPTIONS 200", async () => {
    expect(await waitExit(rig.gw.proc, 20), rig.gw.proc.log().slice(-4000)).toBeUndefined();
    expect((await fetch(`${rig.httpUrl}/health`)).status).toBe(200);
    const callId = `alive-${Date.now()}`;
    sock.send(invite(sock, rig.sipPort, "gw", callId, "OPTIONS"), rig.sipPort, "127.0.0.1");
    const deadline = performance.now() + 2000;
    let ok: SipResponse | undefined;
    while (ok === undefined && performance.now() < deadline) {
      ok = responses.find((r) => getHeader(r, "call-id") === callId && r.status >= 200);
      await Bun.sleep(10);
    }
    expect(ok?.status).toBe(200);
  });
});
