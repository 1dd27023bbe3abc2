/**
 * Offers the app accepts although their media address is unusable, against the real gateway
 * process (sip.md §5, §10; RFC 8866 §5.7 `c=`): a connection address that is not an IP literal
 * (`999.1.1.1`, `127.0.0.1.5`, `zz::zz`, `IN IP4 ::1`), an IPv6 peer for an IPv4 socket, the hold
 * address, extreme ports. Every 20 ms the media clock then sends RTP that cannot be delivered;
 * the process must stay up, each call must stay `in_progress` until hung up, and a REST DELETE
 * must end each with exactly one `call.ended(local)`. Only addresses that cannot leave the machine
 * are used (invalid literals, loopback, the unspecified address). Raw UDP INVITEs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import { getHeader, parseMessage, type SipResponse } from "../../src/sip/message/index.ts";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { waitExit } from "../support/peers.ts";

/** `c=` (and, where given, `m=`) lines of each offer, and whether the address is an IP literal. */
const OFFERS: readonly { label: string; lines: string[]; ipLiteral: boolean }[] = [
  { label: "c=IN IP4 999.1.1.1", lines: ["c=IN IP4 999.1.1.1"], ipLiteral: false },
  { label: "c=IN IP4 127.0.0.1.5", lines: ["c=IN IP4 127.0.0.1.5"], ipLiteral: false },
  { label: "c=IN IP4 -1.0.0.0", lines: ["c=IN IP4 -1.0.0.0"], ipLiteral: false },
  { label: "c=IN IP6 zz::zz", lines: ["c=IN IP6 zz::zz"], ipLiteral: false },
  { label: "c=IN IP4 ::1 (IPv6 literal under IP4)", lines: ["c=IN IP4 ::1"], ipLiteral: false },
  { label: "c=IN IP6 [::1] (brackets are not SDP syntax)", lines: ["c=IN IP6 [::1]"], ipLiteral: false },
  { label: "c=IN IP6 ::1 to an IPv4 socket", lines: ["c=IN IP6 ::1"], ipLiteral: true },
  { label: "c=IN IP4 0.0.0.0 (hold)", lines: ["c=IN IP4 0.0.0.0"], ipLiteral: true },
  { label: "port 65535", lines: ["c=IN IP4 127.0.0.1", "m=audio 65535 RTP/AVP 0"], ipLiteral: true },
  { label: "port 1", lines: ["c=IN IP4 127.0.0.1", "m=audio 1 RTP/AVP 0"], ipLiteral: true },
];

function offer(lines: string[]): string {
  const hasM = lines.some((l) => l.startsWith("m="));
  return [
    "v=0",
    "o=- 1 1 IN IP4 127.0.0.1",
    "s=-",
    ...lines.filter((l) => l.startsWith("c=")),
    "t=0 0",
    ...(hasM ? lines.filter((l) => l.startsWith("m=")) : ["m=audio 40020 RTP/AVP 0"]),
    "a=rtpmap:0 PCMU/8000",
    "",
  ].join("\r\n");
}

function message(
  method: string,
  sipPort: number,
  localPort: number,
  i: number,
  toTag = "",
  body = "",
): string {
  return [
    `${method} sip:addr${i}@127.0.0.1:${sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bKaddr${i}${method === "ACK" ? "ack" : ""}${Date.now()};rport`,
    "Max-Forwards: 70",
    "From: <sip:caller@127.0.0.1>;tag=addr",
    `To: <sip:addr${i}@127.0.0.1:${sipPort}>${toTag !== "" ? `;tag=${toTag}` : ""}`,
    `Call-ID: addr-${i}@hostile`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:caller@127.0.0.1:${localPort}>`,
    ...(body !== "" ? ["Content-Type: application/sdp"] : []),
    `Content-Length: ${body.length}`,
    "",
    body,
  ].join("\r\n");
}

describe("accepted offers with unusable media addresses", () => {
  let rig: CallRig;
  let sock: udp.Socket<"uint8array">;
  const responses: SipResponse[] = [];
  const finalOf = (i: number) =>
    responses.find(
      (r) =>
        getHeader(r, "call-id") === `addr-${i}@hostile` &&
        r.status >= 200 &&
        getHeader(r, "cseq") === "1 INVITE",
    );

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
    for (const [i, o] of OFFERS.entries())
      sock.send(message("INVITE", rig.sipPort, sock.port, i, "", offer(o.lines)), rig.sipPort, "127.0.0.1");
    const deadline = performance.now() + 5000;
    while (OFFERS.some((_, i) => finalOf(i) === undefined) && performance.now() < deadline)
      await Bun.sleep(20);
    for (const [i] of OFFERS.entries()) {
      const f = finalOf(i);
      if (f === undefined) continue;
      const tag = /;tag=([^;>\s]+)/.exec(getHeader(f, "to") ?? "")?.[1] ?? "";
      sock.send(message("ACK", rig.sipPort, sock.port, i, tag), rig.sipPort, "127.0.0.1");
    }
  }, 15_000);
  afterAll(async () => {
    sock?.close();
    await rig?.stop();
  });

  test("the media clock survives a second of undeliverable RTP: process up, /health 200, every accepted call in progress", async () => {
    await Bun.sleep(1000);
    expect(await waitExit(rig.gw.proc, 20), rig.gw.proc.log().slice(-4000)).toBeUndefined();
    expect((await fetch(`${rig.httpUrl}/health`)).status).toBe(200);
    const accepted = OFFERS.map((_, i) => finalOf(i)?.status).filter((s) => s === 200).length;
    expect(accepted).toBeGreaterThan(0);
    const { calls } = (await (await rig.api("/v1/calls")).json()) as { calls: { status: string }[] };
    expect(calls).toHaveLength(accepted);
    for (const c of calls) expect(c.status).toBe("in_progress");
  });

  test("every offer gets a final answer (200, or 488 for an unusable address) and DELETE ends each accepted call with one call.ended(local)", async () => {
    const finals = OFFERS.map((o, i) => `${o.label}: ${finalOf(i)?.status ?? "none"}`);
    for (const f of finals) expect(f).toMatch(/: (200|488)$/);
    for (const r of rig.app.incoming) {
      const id = r.body.call_id;
      expect((await rig.api(`/v1/calls/${id}`, { method: "DELETE" })).status).toBe(204);
      await rig.app.waitForEvent((e) => e.call_id === id && e.event === "call.ended", 3000);
      expect(
        rig.app
          .eventsOf(id)
          .filter((e) => e.event === "call.ended")
          .map((e) => e.reason),
      ).toEqual(["local"]);
    }
    expect(await (await rig.api("/v1/calls")).json()).toEqual({ calls: [] });
  });

  // An address the media path cannot send to (no DNS; RFC 8866 §5.7 also allows FQDNs) is
  // refused with 488 rather than answered 200 for a call whose audio would go nowhere.
  test("an offer whose c= address is not an IP literal of its family gets 488, not 200", () => {
    for (const [i, o] of OFFERS.entries()) if (!o.ipLiteral) expect(finalOf(i)?.status, o.label).toBe(488);
  });
});
