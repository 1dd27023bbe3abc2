import { describe, expect, test } from "bun:test";
import { fromUtf8, utf8 } from "../../../src/lib/bytes.ts";
import { cryptoRandom } from "../../../src/runtime/crypto-random.ts";
import { systemClock } from "../../../src/runtime/system-clock.ts";
import { buildChallenge, NonceStore, verifyAuthorization } from "../../../src/sip/auth/index.ts";
import { getHeader, type SipRequest } from "../../../src/sip/message/index.ts";
import { buildRequest } from "../../../src/sip/ua/invite-request.ts";
import { loopbackStacks, requestTo, until } from "./stack-harness.ts";

const stack = loopbackStacks();

describe("SipStack with digest authentication", () => {
  test("answers a 407 on INVITE once with Proxy-Authorization and gets answered", async () => {
    const a = await stack();
    const b = await stack();
    const nonces = new NonceStore({ random: cryptoRandom });
    let challenges = 0;
    b.setHandlers({
      invite(call) {
        const auth = getHeader(call.request, "Proxy-Authorization");
        if (auth === undefined) {
          challenges++;
          call.reject(407, undefined, [
            { name: "Proxy-Authenticate", value: buildChallenge(nonces.issue(systemClock.now())) },
          ]);
          return;
        }
        const v = verifyAuthorization(nonces, {
          authorization: auth,
          method: "INVITE",
          now: systemClock.now(),
          passwordFor: () => "pw",
        });
        if (v.verdict === "ok") call.accept({ body: utf8("v=0\r\n"), contentType: "application/sdp" });
        else call.reject(403);
      },
    });
    const bl = b.local("UDP")!;
    const request = buildRequest({
      method: "INVITE",
      uri: `sip:bob@127.0.0.1:${bl.port}`,
      from: "<sip:alice@127.0.0.1>",
      fromTag: a.newTag(),
      to: `<sip:bob@127.0.0.1:${bl.port}>`,
      callId: a.newCallId(),
      contact: a.contactUri("UDP", "alice"),
    });
    const call = a.invite({
      target: { protocol: "UDP", address: "127.0.0.1", port: bl.port },
      request,
      credentials: { username: "alice", password: "pw" },
    })!;
    const body = await until<string>((done) =>
      call.on("answered", ({ response }) => done(fromUtf8(response.body))),
    );
    expect(body).toBe("v=0\r\n");
    expect(challenges).toBe(1);
  });
});

describe("SipStack timers and shutdown", () => {
  test("surfaces ack-timeout when the caller never ACKs our 200 (64*T1, T1 = 10 ms here)", async () => {
    const b = await stack({ timerConfig: { T1: 10, T2: 40 } });
    const timedOut = until<boolean>((done) =>
      b.setHandlers({
        invite: (call) => {
          call.on("ack-timeout", () => done(true));
          call.accept();
        },
      }),
    );
    const bl = b.local("UDP")!;
    const received: string[] = [];
    const raw = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      socket: { data: (_s, d) => void received.push(fromUtf8(d)) },
    });
    const invite: SipRequest = buildRequest({
      method: "INVITE",
      uri: `sip:b@127.0.0.1:${bl.port}`,
      from: "<sip:a@127.0.0.1>",
      fromTag: "x",
      to: "<sip:b@127.0.0.1>",
      callId: "no-ack",
      contact: `sip:a@127.0.0.1:${raw.port}`,
    });
    const text = `INVITE ${invite.uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bKnoack;rport\r\n${invite.headers.map((h) => `${h.name}: ${h.value}`).join("\r\n")}\r\nContent-Length: 0\r\n\r\n`;
    raw.send(text, bl.port, "127.0.0.1");
    expect(await timedOut).toBe(true);
    // The 200 was retransmitted meanwhile (§13.3.1.4).
    expect(received.filter((m) => m.startsWith("SIP/2.0 200")).length).toBeGreaterThanOrEqual(3);
    raw.close();
  });

  test("answers new OPTIONS and INVITEs with 503 once shutting down (sip.md §3)", async () => {
    const a = await stack();
    const b = await stack();
    b.beginShutdown();
    const bl = b.local("UDP")!;
    const target = { protocol: "UDP" as const, address: "127.0.0.1", port: bl.port };
    const options = requestTo(bl.port, "OPTIONS", "s");
    const out = await a.request(target, options);
    expect(out.ok && out.response.status).toBe(503);
    const invite = requestTo(bl.port, "INVITE", "s2", { contact: a.contactUri("UDP") });
    const call = a.invite({ target, request: invite })!;
    expect(await until<number>((done) => call.on("failed", (f) => done(f.status)))).toBe(503);
  });
});
