import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromUtf8, utf8 } from "../../../src/lib/bytes.ts";
import { getHeaders, getTag, type SipRequest } from "../../../src/sip/message/index.ts";
import type { SipStack } from "../../../src/sip/transport/sip-stack.ts";
import type { TransportProtocol } from "../../../src/sip/transport/types.ts";
import { buildRequest } from "../../../src/sip/ua/invite-request.ts";
import type { SipDialogHandle } from "../../../src/sip/ua/sip-service.ts";
import { loopbackStacks, requestTo, until } from "./stack-harness.ts";

const stack = loopbackStacks();

function invite(a: SipStack, b: SipStack, protocol: TransportProtocol): SipRequest {
  const bl = b.local(protocol)!;
  const al = a.local(protocol)!;
  return buildRequest({
    method: "INVITE",
    uri: `sip:bob@127.0.0.1:${bl.port}`,
    from: "<sip:alice@127.0.0.1>",
    fromTag: a.newTag(),
    to: `<sip:bob@127.0.0.1:${bl.port}>`,
    callId: a.newCallId(),
    contact: `sip:alice@127.0.0.1:${al.port};transport=${protocol.toLowerCase()}`,
    body: utf8("v=0\r\n"),
    contentType: "application/sdp",
  });
}

/** Our INVITE from `a` to `b` over `protocol`. */
function dial(a: SipStack, b: SipStack, protocol: TransportProtocol) {
  const call = a.invite({
    target: { protocol, address: "127.0.0.1", port: b.local(protocol)!.port },
    request: invite(a, b, protocol),
  });
  if (call === undefined) throw new Error("no INVITE transaction");
  return call;
}

describe("SipStack on loopback", () => {
  for (const protocol of ["UDP", "TCP"] as const) {
    test(`${protocol}: INVITE → 180 → 200 → ACK confirms, then BYE reaches the callee`, async () => {
      const a = await stack({ protocol });
      const b = await stack({ protocol });
      let confirmed = false;
      const byeSeen = until<string>((done) =>
        b.setHandlers({
          invite(call) {
            call.ring();
            call.accept({ body: utf8("v=0\r\nanswer\r\n"), contentType: "application/sdp" });
            call.on("confirmed", () => {
              confirmed = true;
            });
          },
          bye: (_d, req) => done(req.method),
        }),
      );
      const call = dial(a, b, protocol);
      const ringing = until<number>((done) => call.on("provisional", (r) => done(r.status)));
      const answered = until<string>((done) =>
        call.on("answered", ({ response }) => done(fromUtf8(response.body))),
      );
      expect(await ringing).toBe(180);
      expect(await answered).toContain("answer");
      const outcome = await call.dialog!.bye();
      expect(outcome.ok && outcome.response.status).toBe(200);
      expect(await byeSeen).toBe("BYE");
      expect(confirmed).toBe(true);
    });
  }

  test("re-INVITE in a confirmed dialog reaches the callee as a re-INVITE and keeps the dialog", async () => {
    const a = await stack();
    const b = await stack();
    const reinvites: string[] = [];
    b.setHandlers({
      invite(call) {
        if (call.existingDialog !== undefined) reinvites.push(fromUtf8(call.request.body));
        call.accept({ body: utf8("v=0\r\nanswer\r\n"), contentType: "application/sdp" });
      },
    });
    const call = dial(a, b, "UDP");
    const dialog = await until<SipDialogHandle>((done) => call.on("answered", ({ dialog }) => done(dialog)));
    const re = dialog.reinvite({ body: utf8("v=0\r\na=sendonly\r\n"), contentType: "application/sdp" })!;
    const same = await until<SipDialogHandle>((done) => re.on("answered", ({ dialog }) => done(dialog)));
    expect(same).toBe(dialog);
    expect(reinvites).toEqual(["v=0\r\na=sendonly\r\n"]);
    const bye = await dialog.bye();
    expect(bye.ok && bye.response.status).toBe(200);
  });

  test("TLS: a call completes over TLS with our test certificate", async () => {
    const dir = join(import.meta.dir, "fixtures");
    const tls = {
      cert: readFileSync(join(dir, "localhost-cert.pem"), "utf8"),
      key: readFileSync(join(dir, "localhost-key.pem"), "utf8"),
    };
    const a = await stack({ protocol: "TLS", tls });
    const b = await stack({ protocol: "TLS", tls });
    b.setHandlers({ invite: (call) => call.accept() });
    const call = dial(a, b, "TLS");
    const dialog = await until<SipDialogHandle>((done) => call.on("answered", ({ dialog }) => done(dialog)));
    expect(dialog.peer.protocol).toBe("TLS");
    const bye = await dialog.bye();
    expect(bye.ok && bye.response.status).toBe(200);
  });

  test("a re-INVITE crossing our own pending re-INVITE gets 491 (RFC 3261 §14.2, sip.md §7)", async () => {
    const a = await stack();
    const b = await stack();
    let calleeDialog: SipDialogHandle | undefined;
    let held: { ring(): void } | undefined;
    b.setHandlers({
      invite(call) {
        if (call.existingDialog !== undefined) {
          held = call; // keep our side's re-INVITE pending: answer nothing final
          call.ring();
          return;
        }
        calleeDialog = call.accept();
      },
    });
    a.setHandlers({ invite: (call) => call.accept() });
    const call = dial(a, b, "UDP");
    const dialog = await until<SipDialogHandle>((done) => call.on("answered", ({ dialog }) => done(dialog)));
    const ours = dialog.reinvite()!;
    await until<number>((done) => ours.on("provisional", (r) => done(r.status)));
    expect(held).toBeDefined();
    expect(dialog.reinvite()).toBeUndefined();
    const theirs = calleeDialog!.reinvite()!;
    const status = await until<number>((done) => theirs.on("failed", (f) => done(f.status)));
    expect(status).toBe(491);
  });

  test("IPv6: a call over [::1] gets bracketed Via/Contact hosts and completes", async () => {
    const a = await stack({ hostname: "::1" });
    const b = await stack({ hostname: "::1" });
    let via = "";
    b.setHandlers({
      invite(call) {
        via = getHeaders(call.request, "Via")[0] ?? "";
        call.accept();
      },
    });
    const bl = b.local("UDP")!;
    const request = buildRequest({
      method: "INVITE",
      uri: `sip:bob@[::1]:${bl.port}`,
      from: "<sip:alice@[::1]>",
      fromTag: a.newTag(),
      to: `<sip:bob@[::1]:${bl.port}>`,
      callId: a.newCallId(),
      contact: a.contactUri("UDP", "alice"),
    });
    expect(a.contactUri("UDP")).toMatch(/^sip:\[::1\]:\d+;transport=udp$/);
    const call = a.invite({ target: { protocol: "UDP", address: "::1", port: bl.port }, request })!;
    const dialog = await until<SipDialogHandle>((done) => call.on("answered", ({ dialog }) => done(dialog)));
    expect(via).toMatch(/^SIP\/2\.0\/UDP \[::1\]:\d+;branch=z9hG4bK/);
    const bye = await dialog.bye();
    expect(bye.ok && bye.response.status).toBe(200);
  });

  test("answers OPTIONS with 200 and the Allow list (sip.md §3)", async () => {
    const a = await stack();
    const b = await stack();
    const bl = b.local("UDP")!;
    const req = requestTo(bl.port, "OPTIONS", a.newCallId());
    const out = await a.request({ protocol: "UDP", address: "127.0.0.1", port: bl.port }, req);
    expect(out.ok && out.response.status).toBe(200);
    expect(out.ok && getHeaders(out.response, "Allow").join(", ")).toBe(
      "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY",
    );
    // §8.2.6.2: the response carries a To tag of ours.
    expect(out.ok && getTag(out.response, "to")).toMatch(/^[0-9a-f]{16}$/);
  });

  test("answers 420 with Unsupported to an unknown Require and 400 to a CSeq method mismatch (§8.2.2)", async () => {
    const a = await stack();
    const b = await stack();
    const bl = b.local("UDP")!;
    const target = { protocol: "UDP" as const, address: "127.0.0.1", port: bl.port };
    const base = {
      uri: `sip:x@127.0.0.1:${bl.port}`,
      from: "<sip:a@127.0.0.1>",
      fromTag: "t",
      to: "<sip:x@127.0.0.1>",
    };
    const req = buildRequest({
      ...base,
      method: "OPTIONS",
      callId: "req-1",
      headers: [{ name: "Require", value: "100rel" }],
    });
    const r1 = await a.request(target, req);
    expect(r1.ok && r1.response.status).toBe(420);
    expect(r1.ok && getHeaders(r1.response, "Unsupported")).toEqual(["100rel"]);
    // A raw client: our own stack would not match a response to a mismatched request.
    const replies: string[] = [];
    const raw = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      socket: { data: (_s, d) => void replies.push(fromUtf8(d)) },
    });
    raw.send(
      `OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bKmis\r\nFrom: <sip:a@127.0.0.1>;tag=t\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: req-2\r\nCSeq: 1 INFO\r\nContent-Length: 0\r\n\r\n`,
      bl.port,
      "127.0.0.1",
    );
    const end = performance.now() + 2000;
    while (replies.length === 0 && performance.now() < end) await Bun.sleep(5);
    raw.close();
    expect(replies[0]).toStartWith("SIP/2.0 400 CSeq method does not match");
  });

  test("answers 481 to a BYE for an unknown dialog and 405 to REFER outside a dialog", async () => {
    const a = await stack();
    const b = await stack();
    const bl = b.local("UDP")!;
    const target = { protocol: "UDP" as const, address: "127.0.0.1", port: bl.port };
    const bye = requestTo(bl.port, "BYE", "unknown", { toTag: "nope" });
    const r1 = await a.request(target, bye);
    expect(r1.ok && r1.response.status).toBe(481);
    const refer = requestTo(bl.port, "REFER", "r");
    const r2 = await a.request(target, refer);
    expect(r2.ok && r2.response.status).toBe(405);
  });

  test("CANCEL after 180: the callee sees cancelled, the caller gets 487 as cancelled", async () => {
    const a = await stack();
    const b = await stack();
    const calleeCancelled = until<boolean>((done) =>
      b.setHandlers({
        invite(call) {
          call.ring();
          call.on("cancelled", () => done(true));
        },
      }),
    );
    const call = dial(a, b, "UDP");
    await until<number>((done) => call.on("provisional", (r) => done(r.status)));
    const cancelled = until<boolean>((done) => call.on("cancelled", () => done(true)));
    call.cancel();
    expect(await calleeCancelled).toBe(true);
    expect(await cancelled).toBe(true);
  });

  test("a rejected INVITE reports the status to the caller", async () => {
    const a = await stack();
    const b = await stack();
    b.setHandlers({ invite: (call) => call.reject(486) });
    const call = dial(a, b, "UDP");
    const failed = await until<number>((done) => call.on("failed", (f) => done(f.status)));
    expect(failed).toBe(486);
  });
});
