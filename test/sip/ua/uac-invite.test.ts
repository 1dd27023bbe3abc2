import { describe, expect, test } from "bun:test";
import { utf8 } from "../../../src/lib/bytes.ts";
import {
  createResponse,
  getCSeq,
  getHeader,
  getHeaders,
  type SipRequest,
  type SipResponse,
  withTopVia,
} from "../../../src/sip/message/index.ts";
import { buildRequest } from "../../../src/sip/ua/invite-request.ts";
import {
  startUacInvite,
  type UacInviteAction,
  type UacInviteState,
  uacInviteStep,
} from "../../../src/sip/ua/uac-invite.ts";
import { seededRandom } from "../../support/seeded-random.ts";

function sentInvite(): SipRequest {
  const req = buildRequest({
    method: "INVITE",
    uri: "sip:bob@127.0.0.1:5170",
    from: "<sip:alice@127.0.0.1>",
    fromTag: "at",
    to: "<sip:bob@127.0.0.1:5170>",
    callId: "uac-1",
    contact: "sip:alice@127.0.0.1:5070",
    body: utf8("v=0\r\n"),
    contentType: "application/sdp",
  });
  return withTopVia(req, {
    protocol: "SIP/2.0",
    transport: "UDP",
    host: "127.0.0.1",
    port: 5070,
    params: new Map([["branch", "z9hG4bKinv1"]]),
  });
}

function start(credentials = false): UacInviteState {
  return startUacInvite(sentInvite(), {
    random: seededRandom(1),
    followRedirects: true,
    ...(credentials ? { credentials: { username: "alice", password: "pw" } } : {}),
  });
}

function respond(state: UacInviteState, status: number, headers: { name: string; value: string }[] = []) {
  const r: SipResponse = createResponse(state.invite, status, undefined, {
    ...(status > 100 ? { toTag: "bt" } : {}),
    headers:
      status >= 200 && status < 300
        ? [{ name: "Contact", value: "<sip:bob@127.0.0.1:5170>" }, ...headers]
        : headers,
  });
  return uacInviteStep(state, { kind: "response", response: r });
}

function kinds(actions: UacInviteAction[]): string[] {
  return actions.map((a) => a.kind);
}

function request(actions: UacInviteAction[], kind: UacInviteAction["kind"]): SipRequest {
  const a = actions.find((x) => x.kind === kind);
  if (a === undefined || !("request" in a)) throw new Error(`no ${kind}`);
  return a.request;
}

describe("UAC INVITE (RFC 3261 §13.2)", () => {
  test("reports 180 as provisional and 200 as answered, ACKing via the dialog", () => {
    const ringing = respond(start(), 180);
    expect(kinds(ringing.actions)).toEqual(["provisional"]);
    const ok = respond(ringing.state, 200, [{ name: "Record-Route", value: "<sip:p1;lr>, <sip:p2;lr>" }]);
    expect(kinds(ok.actions)).toEqual(["send-ack", "answered"]);
    const ack = request(ok.actions, "send-ack");
    expect(ack.uri).toBe("sip:bob@127.0.0.1:5170");
    expect(getCSeq(ack)).toEqual({ seq: 1, method: "ACK" });
    expect(getHeader(ack, "To")).toContain("tag=bt");
    // §12.1.2: the UAC's route set is the Record-Route list reversed.
    expect(getHeaders(ack, "Route")).toEqual(["<sip:p2;lr>", "<sip:p1;lr>"]);
    expect(getHeader(ack, "Via")).toBeUndefined();
  });

  test("ACKs a retransmitted 2xx again (§13.2.2.4)", () => {
    const ok = respond(start(), 200);
    const again = respond(ok.state, 200);
    expect(kinds(again.actions)).toEqual(["send-ack"]);
  });

  test("holds a CANCEL until the first provisional response (§9.1)", () => {
    const s = uacInviteStep(start(), { kind: "cancel" });
    expect(s.actions).toEqual([]);
    const trying = respond(s.state, 100);
    const cancel = request(trying.actions, "send-cancel");
    expect(cancel.method).toBe("CANCEL");
    expect(getHeader(cancel, "Via")).toContain("branch=z9hG4bKinv1");
    expect(getCSeq(cancel)).toEqual({ seq: 1, method: "CANCEL" });
    expect(cancel.uri).toBe("sip:bob@127.0.0.1:5170");
    const terminated = respond(trying.state, 487);
    expect(kinds(terminated.actions)).toEqual(["cancelled"]);
  });

  test("sends CANCEL at once when a provisional was already received", () => {
    const ringing = respond(start(), 180);
    expect(kinds(uacInviteStep(ringing.state, { kind: "cancel" }).actions)).toEqual(["send-cancel"]);
  });

  test("ACKs and then BYEs a 200 that raced the CANCEL (sip.md §6)", () => {
    const ringing = respond(start(), 180);
    const cancelling = uacInviteStep(ringing.state, { kind: "cancel" });
    const ok = respond(cancelling.state, 200);
    expect(kinds(ok.actions)).toEqual(["send-ack", "send-bye", "cancelled"]);
    expect(getCSeq(request(ok.actions, "send-bye"))).toEqual({ seq: 2, method: "BYE" });
  });

  test("retries a 407 once with Proxy-Authorization and a new CSeq, then fails on the second", () => {
    const challenge = [{ name: "Proxy-Authenticate", value: 'Digest realm="r", nonce="n1", qop="auth"' }];
    const first = respond(start(true), 407, challenge);
    const retry = request(first.actions, "send-invite");
    expect(getHeader(retry, "Proxy-Authorization")).toContain('username="alice"');
    expect(getCSeq(retry)?.seq).toBe(2);
    const sent = uacInviteStep(first.state, {
      kind: "sent",
      request: withTopVia(retry, {
        protocol: "SIP/2.0",
        transport: "UDP",
        host: "127.0.0.1",
        port: 5070,
        params: new Map([["branch", "z9hG4bKinv2"]]),
      }),
    });
    const second = respond(sent.state, 407, challenge);
    expect(second.actions).toMatchObject([{ kind: "failed", status: 407 }]);
  });

  test("without credentials a 401 is a failure", () => {
    expect(
      respond(start(), 401, [{ name: "WWW-Authenticate", value: 'Digest realm="r", nonce="n"' }]).actions,
    ).toMatchObject([{ kind: "failed", status: 401 }]);
  });

  test("follows a 302 to the Contact with the next CSeq", () => {
    const moved = respond(start(), 302, [{ name: "Contact", value: "<sip:carol@127.0.0.1:5180>" }]);
    const next = request(moved.actions, "send-invite");
    expect(next.uri).toBe("sip:carol@127.0.0.1:5180");
    expect(getCSeq(next)?.seq).toBe(2);
  });

  test("ignores responses for another CSeq and treats a timeout as 408", () => {
    const s = start();
    const other = createResponse(
      {
        ...s.invite,
        headers: s.invite.headers.map((h) => (h.name === "CSeq" ? { name: "CSeq", value: "9 INVITE" } : h)),
      },
      200,
      undefined,
      { toTag: "x" },
    );
    expect(uacInviteStep(s, { kind: "response", response: other }).actions).toEqual([]);
    expect(uacInviteStep(s, { kind: "timeout" }).actions).toMatchObject([{ kind: "failed", status: 408 }]);
  });
});
