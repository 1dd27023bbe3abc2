import { describe, expect, test } from "bun:test";
import { parseDigestParams } from "../../../src/sip/auth/index.ts";
import {
  createResponse,
  getCSeq,
  getHeader,
  type SipRequest,
  type SipResponse,
} from "../../../src/sip/message/index.ts";
import {
  backoffDelay,
  initialRegisterState,
  type RegisterAction,
  type RegisterState,
  registerStep,
} from "../../../src/sip/ua/register-client.ts";
import { seededRandom } from "../../support/seeded-random.ts";

const CONTACT = "sip:gateway@127.0.0.1:5070";

function start(withCredentials = true) {
  const state = initialRegisterState({
    registrar: "sip:127.0.0.1:5060",
    aor: "sip:gateway@127.0.0.1",
    contact: CONTACT,
    callId: "reg-1",
    fromTag: "ft1",
    random: seededRandom(5),
    ...(withCredentials ? { credentials: { username: "gateway", password: "gatewaypw" } } : {}),
  });
  return registerStep(state, { kind: "start" });
}

function sent(actions: RegisterAction[]): SipRequest {
  const a = actions.find((x) => x.kind === "send");
  if (a?.kind !== "send") throw new Error("no request sent");
  return a.request;
}

function reply(
  req: SipRequest,
  status: number,
  headers: { name: string; value: string }[] = [],
): SipResponse {
  return createResponse(req, status, undefined, { toTag: "tt", headers });
}

function drive(state: RegisterState, response: SipResponse) {
  return registerStep(state, { kind: "response", response });
}

describe("REGISTER client (sip.md §2)", () => {
  test("sends REGISTER to the registrar with the AOR, our Contact and Expires: 60", () => {
    const { state, actions } = start();
    const req = sent(actions);
    expect(req.method).toBe("REGISTER");
    expect(req.uri).toBe("sip:127.0.0.1:5060");
    expect(getHeader(req, "To")).toBe("<sip:gateway@127.0.0.1>");
    expect(getHeader(req, "Contact")).toBe(`<${CONTACT}>`);
    expect(getHeader(req, "Expires")).toBe("60");
    expect(state.phase).toBe("registering");
  });

  test("answers a 401 once with Authorization, CSeq + 1, same Call-ID", () => {
    const first = start();
    const req = sent(first.actions);
    const challenged = drive(
      first.state,
      reply(req, 401, [
        { name: "WWW-Authenticate", value: 'Digest realm="127.0.0.1", nonce="n1", qop="auth"' },
      ]),
    );
    const retry = sent(challenged.actions);
    expect(getCSeq(retry)?.seq).toBe(getCSeq(req)!.seq + 1);
    expect(getHeader(retry, "Call-ID")).toBe("reg-1");
    const auth = parseDigestParams(getHeader(retry, "Authorization") ?? "");
    expect(auth.ok && auth.value.get("username")).toBe("gateway");
    expect(auth.ok && auth.value.get("nonce")).toBe("n1");
    expect(auth.ok && auth.value.get("uri")).toBe("sip:127.0.0.1:5060");
  });

  test("answers a 407 with Proxy-Authorization", () => {
    const first = start();
    const step = drive(
      first.state,
      reply(sent(first.actions), 407, [
        { name: "Proxy-Authenticate", value: 'Digest realm="r", nonce="p1"' },
      ]),
    );
    expect(getHeader(sent(step.actions), "Proxy-Authorization")).toContain('nonce="p1"');
  });

  test("treats a second challenge with the same nonce as failure and backs off 1 s", () => {
    const first = start();
    const challenge = [{ name: "WWW-Authenticate", value: 'Digest realm="r", nonce="same"' }];
    const second = drive(first.state, reply(sent(first.actions), 401, challenge));
    const third = drive(second.state, reply(sent(second.actions), 401, challenge));
    expect(third.state.phase).toBe("backoff");
    expect(third.actions).toContainEqual({ kind: "start-timer", timer: "retry", delayMs: 1000 });
    expect(third.actions.some((a) => a.kind === "unregistered" && a.status === 401)).toBe(true);
  });

  test("on 200 takes the lifetime from our Contact's expires and refreshes at 50 %", () => {
    const first = start(false);
    const ok = drive(
      first.state,
      reply(sent(first.actions), 200, [
        {
          name: "Contact",
          value: "<sip:other@10.0.0.1>;expires=999, <sip:gateway@127.0.0.1:5070>;expires=120",
        },
        { name: "Expires", value: "30" },
      ]),
    );
    expect(ok.state.phase).toBe("registered");
    expect(ok.actions).toEqual([
      { kind: "registered", expires: 120 },
      { kind: "start-timer", timer: "refresh", delayMs: 60_000 },
    ]);
  });

  test("caps the refresh delay at 2^31-1 ms when the registrar grants a lifetime longer than a timer can hold", () => {
    const a = start(false);
    const huge = drive(a.state, reply(sent(a.actions), 200, [{ name: "Expires", value: "4294967295" }]));
    expect(huge.actions).toEqual([
      { kind: "registered", expires: 4294967295 },
      { kind: "start-timer", timer: "refresh", delayMs: 2 ** 31 - 1 },
    ]);
  });

  test("falls back to the Expires header, then to the requested value", () => {
    const a = start(false);
    const withHeader = drive(a.state, reply(sent(a.actions), 200, [{ name: "Expires", value: "30" }]));
    expect(withHeader.actions[0]).toEqual({ kind: "registered", expires: 30 });
    const b = start(false);
    const bare = drive(b.state, reply(sent(b.actions), 200));
    expect(bare.actions[0]).toEqual({ kind: "registered", expires: 60 });
  });

  test("refresh timer sends a new REGISTER with the next CSeq", () => {
    const a = start(false);
    const req = sent(a.actions);
    const ok = drive(a.state, reply(req, 200));
    const refresh = registerStep(ok.state, { kind: "timer", timer: "refresh" });
    expect(getCSeq(sent(refresh.actions))?.seq).toBe(getCSeq(req)!.seq + 1);
  });

  test("423 retries at once with Min-Expires", () => {
    const a = start(false);
    const step = drive(a.state, reply(sent(a.actions), 423, [{ name: "Min-Expires", value: "3600" }]));
    expect(getHeader(sent(step.actions), "Expires")).toBe("3600");
    expect(step.state.phase).toBe("registering");
  });

  test("a second 423 for the same attempt fails it and backs off instead of raising again", () => {
    const a = start(false);
    const raised = drive(a.state, reply(sent(a.actions), 423, [{ name: "Min-Expires", value: "3600" }]));
    const again = drive(
      raised.state,
      reply(sent(raised.actions), 423, [{ name: "Min-Expires", value: "3601" }]),
    );
    expect(again.state.phase).toBe("backoff");
    expect(again.actions).toEqual([
      {
        kind: "unregistered",
        reason: "423 again after raising to Min-Expires",
        status: 423,
        retryInMs: 1000,
      },
      { kind: "start-timer", timer: "retry", delayMs: 1000 },
    ]);
    // The next attempt asks for the lifetime learnt first.
    const retry = registerStep(again.state, { kind: "timer", timer: "retry" });
    expect(getHeader(sent(retry.actions), "Expires")).toBe("3600");
  });

  test("backs off 1 s, 2 s, 4 s … and never beyond 60 s, forever", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map(backoffDelay)).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
    let step = start(false);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      step = registerStep(step.state, { kind: "timeout" });
      const t = step.actions.find((a) => a.kind === "start-timer");
      if (t?.kind === "start-timer") delays.push(t.delayMs);
      step = registerStep(step.state, { kind: "timer", timer: "retry" });
      expect(step.actions.some((a) => a.kind === "send")).toBe(true);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  test("a failed refresh reports unregistered and enters the retry loop", () => {
    const a = start(false);
    const ok = drive(a.state, reply(sent(a.actions), 200));
    const refresh = registerStep(ok.state, { kind: "timer", timer: "refresh" });
    const failed = drive(refresh.state, reply(sent(refresh.actions), 503));
    expect(failed.state.phase).toBe("backoff");
    expect(failed.actions[0]).toMatchObject({ kind: "unregistered", status: 503 });
  });

  test("ignores responses for an older CSeq", () => {
    const a = start(false);
    const old = reply(sent(a.actions), 200);
    const refreshed = registerStep(drive(a.state, old).state, { kind: "timer", timer: "refresh" });
    expect(drive(refreshed.state, old).actions).toEqual([]);
  });

  test("stop after registration sends Expires: 0 and then reports stopped", () => {
    const a = start(false);
    const ok = drive(a.state, reply(sent(a.actions), 200));
    const stopping = registerStep(ok.state, { kind: "stop" });
    const unreg = sent(stopping.actions);
    expect(getHeader(unreg, "Expires")).toBe("0");
    expect(stopping.actions[0]).toEqual({ kind: "cancel-timers" });
    const done = drive(stopping.state, reply(unreg, 200));
    expect(done.state.phase).toBe("stopped");
    expect(done.actions).toContainEqual({ kind: "stopped" });
  });

  test("stop while backing off stops without sending", () => {
    const a = start(false);
    const failed = registerStep(a.state, { kind: "timeout" });
    const s = registerStep(failed.state, { kind: "stop" });
    expect(s.actions.some((x) => x.kind === "send")).toBe(false);
    expect(s.state.phase).toBe("stopped");
  });
});
