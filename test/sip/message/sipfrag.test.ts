/**
 * REFER NOTIFY bodies (RFC 3420 sipfrag, RFC 3515 §2.4.5) as Asterisk, FreeSWITCH and baresip
 * send them, the Subscription-State header (RFC 6665 §8.2.3), and the transfer decision of
 * spec/sip.md §8 (1xx pending, 2xx done, ≥ 300 or terminated-without-final failed).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { utf8 } from "../../../src/lib/bytes.ts";
import {
  parseSipFrag,
  parseSubscriptionState,
  referProgress,
  type SipFrag,
  type SubscriptionState,
} from "../../../src/sip/message/sipfrag.ts";

function frag(body: string | Uint8Array): SipFrag {
  const r = parseSipFrag(body);
  if (!r.ok) throw new Error(`expected a sipfrag, got: ${r.error.reason}`);
  return r.value;
}
function subState(v: string): SubscriptionState {
  const r = parseSubscriptionState(v);
  if (!r.ok) throw new Error(`expected a Subscription-State, got: ${r.error.reason}`);
  return r.value;
}

describe("parseSipFrag", () => {
  const statusBodies: Array<[string, string, number, string]> = [
    ["Asterisk 100 with CRLF", "SIP/2.0 100 Trying\r\n", 100, "Trying"],
    ["baresip 180 with CRLF", "SIP/2.0 180 Ringing\r\n", 180, "Ringing"],
    ["FreeSWITCH 200 with CRLF", "SIP/2.0 200 OK\r\n", 200, "OK"],
    ["a 200 without any line end", "SIP/2.0 200 OK", 200, "OK"],
    ["a 503 with a multi-word reason", "SIP/2.0 503 Service Unavailable\r\n", 503, "Service Unavailable"],
    ["a bare-LF line end", "SIP/2.0 486 Busy Here\n", 486, "Busy Here"],
    ["leading CRLFs (RFC 3261 §7.5)", "\r\n\r\nSIP/2.0 183 Session Progress\r\n", 183, "Session Progress"],
    ["a lowercase version", "sip/2.0 603 Decline\r\n", 603, "Decline"],
    ["an empty reason phrase", "SIP/2.0 202\r\n", 202, ""],
    ["trailing spaces", "SIP/2.0 200 OK   \r\n", 200, "OK"],
  ];
  for (const [name, body, code, reason] of statusBodies) {
    test(`reads the status line of ${name}`, () => {
      expect(frag(body).status).toEqual({ code, reason });
    });
  }

  test("reads a body given as bytes", () => {
    expect(frag(utf8("SIP/2.0 200 OK\r\n")).status?.code).toBe(200);
  });

  test("keeps headers after the status line, unfolding continuation lines, and the body", () => {
    const f = frag(
      "SIP/2.0 200 OK\r\nContact: <sip:bob@192.0.2.4>\r\nSubject: a\r\n  folded\r\nContent-Length: 2\r\n\r\nhi",
    );
    expect(f.headers).toEqual([
      { name: "Contact", value: "<sip:bob@192.0.2.4>" },
      { name: "Subject", value: "a folded" },
      { name: "Content-Length", value: "2" },
    ]);
    expect(f.body).toBe("hi");
  });

  test("accepts a request fragment and a headers-only fragment (RFC 3420 §2) without a status", () => {
    const req = frag("INVITE sip:alice@atlanta.example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n");
    expect(req.status).toBeUndefined();
    expect(req.request).toEqual({ method: "INVITE", uri: "sip:alice@atlanta.example.com" });
    const hdrs = frag("From: <sip:a@b>\r\nTo: <sip:c@d>\r\n");
    expect(hdrs.status).toBeUndefined();
    expect(hdrs.headers.map((h) => h.name)).toEqual(["From", "To"]);
  });

  const garbage: Array<[string, string, RegExp]> = [
    ["an empty body", "", /empty/],
    ["only line ends", "\r\n\r\n", /empty/],
    ["a status line without a code", "SIP/2.0 OK\r\n", /Status-Line/],
    ["another SIP version", "SIP/3.0 200 OK\r\n", /Status-Line/],
    ["a two-digit code", "SIP/2.0 20 OK\r\n", /Status-Line/],
    ["a code below 100", "SIP/2.0 099 Odd\r\n", /outside 100–699/],
    ["a code above 699", "SIP/2.0 700 Odd\r\n", /outside 100–699/],
    ["free text", "hello world", /malformed header line/],
    ["an HTTP status line", "HTTP/1.1 200 OK\r\n", /malformed header line/],
    ["a header line without a colon", "SIP/2.0 200 OK\r\nnot a header\r\n", /malformed header line/],
  ];
  for (const [name, body, message] of garbage) {
    test(`refuses ${name}`, () => {
      const r = parseSipFrag(body);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.reason).toMatch(message);
    });
  }

  test("refuses a body over 8 KiB", () => {
    const r = parseSipFrag(`SIP/2.0 200 OK\r\nX: ${"a".repeat(9000)}\r\n`);
    expect(!r.ok && r.error.reason).toMatch(/longer than 8192/);
  });
});

describe("parseSubscriptionState", () => {
  test("active with expires", () => {
    expect(subState("active;expires=60")).toEqual({ state: "active", expires: 60 });
  });
  test("pending without parameters", () => {
    expect(subState("pending")).toEqual({ state: "pending" });
  });
  test("terminated with a reason, case and whitespace normalised", () => {
    expect(subState(" Terminated ; Reason = NoResource ")).toEqual({
      state: "terminated",
      reason: "noresource",
    });
  });
  test("terminated with reason and retry-after", () => {
    expect(subState("terminated;reason=timeout;retry-after=30")).toEqual({
      state: "terminated",
      reason: "timeout",
      retryAfter: 30,
    });
  });
  test("keeps an extension substate and ignores generic params", () => {
    expect(subState("waiting;foo=bar")).toEqual({ state: "waiting" });
  });
  test("clamps expires beyond 2^32−1", () => {
    expect(subState("active;expires=99999999999999999999").expires).toBe(0xffffffff);
  });
  for (const [value, message] of [
    ["", /no valid substate/],
    ["act ive", /no valid substate/],
    ["active;expires=soon", /expires must be delta-seconds/],
    ["active;expires", /expires must be delta-seconds/],
    ['terminated;reason="x"', /reason must be a token/],
    ["active;=1", /parameters/],
  ] as const) {
    test(`refuses ${JSON.stringify(value)}`, () => {
      const r = parseSubscriptionState(value);
      expect(!r.ok && r.error.reason).toMatch(message);
    });
  }
});

describe("referProgress (spec/sip.md §8)", () => {
  test("a 100 Trying with an active subscription is pending", () => {
    expect(referProgress("SIP/2.0 100 Trying\r\n", "active;expires=60")).toEqual({
      kind: "pending",
      code: 100,
    });
  });
  test("a 180 Ringing keeps the transfer pending", () => {
    expect(referProgress("SIP/2.0 180 Ringing\r\n", "active;expires=59")).toEqual({
      kind: "pending",
      code: 180,
    });
  });
  test("a 200 OK with terminated;reason=noresource means the transfer is done", () => {
    expect(referProgress("SIP/2.0 200 OK\r\n", "terminated;reason=noresource")).toEqual({
      kind: "succeeded",
      code: 200,
    });
  });
  test("a 2xx decides even while the subscription is still active", () => {
    expect(referProgress("SIP/2.0 200 OK", "active")).toEqual({ kind: "succeeded", code: 200 });
  });
  test("a 503 means the transfer failed with that code", () => {
    expect(referProgress("SIP/2.0 503 Service Unavailable\r\n", "terminated;reason=noresource")).toEqual({
      kind: "failed",
      code: 503,
      reason: "transfer target answered 503 Service Unavailable",
    });
  });
  test("a 486 with the subscription still active already fails", () => {
    expect(referProgress("SIP/2.0 486 Busy Here\r\n", "active").kind).toBe("failed");
  });
  test("terminated after only a 1xx fails without a code", () => {
    expect(referProgress("SIP/2.0 180 Ringing\r\n", "terminated;reason=timeout")).toEqual({
      kind: "failed",
      reason: "refer subscription terminated (reason=timeout) without a final status",
    });
  });
  test("terminated with a garbage body fails without a code", () => {
    const p = referProgress("garbage", "terminated");
    expect(p).toEqual({ kind: "failed", reason: "refer subscription terminated without a final status" });
  });
  test("a garbage or missing body with an active or missing subscription stays pending", () => {
    expect(referProgress("garbage", "active")).toEqual({ kind: "pending" });
    expect(referProgress(undefined, "pending")).toEqual({ kind: "pending" });
    expect(referProgress("SIP/2.0 100 Trying", undefined)).toEqual({ kind: "pending", code: 100 });
    expect(referProgress(undefined, undefined)).toEqual({ kind: "pending" });
  });
  test("an unknown extension substate does not decide", () => {
    expect(referProgress("SIP/2.0 100 Trying", "waiting")).toEqual({ kind: "pending", code: 100 });
  });
});

describe("never throws (properties)", () => {
  test("on arbitrary bodies and header values", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
        fc.string(),
        (body, state) => {
          const kind = referProgress(body, state).kind;
          expect(["pending", "succeeded", "failed"]).toContain(kind);
          expect(typeof parseSubscriptionState(state).ok).toBe("boolean");
        },
      ),
    );
  });

  test("any status line with a code 100–699 round-trips its code and decides by class", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 699 }), fc.constantFrom("", "\r\n", "\n"), (code, end) => {
        const body = `SIP/2.0 ${code} Whatever${end}`;
        expect(frag(body).status?.code).toBe(code);
        const kind = referProgress(body, "active").kind;
        expect(kind).toBe(code < 200 ? "pending" : code < 300 ? "succeeded" : "failed");
      }),
    );
  });
});
