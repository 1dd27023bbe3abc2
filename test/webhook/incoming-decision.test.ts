import { describe, expect, test } from "bun:test";
import { parseIncomingDecision, rejectSipCode } from "../../src/webhook/incoming-decision.ts";

const parse = (body: unknown) =>
  parseIncomingDecision(typeof body === "string" ? body : JSON.stringify(body));

describe("/incoming decision body (webhooks.md §2 Response)", () => {
  test("accepts with stream, custom_parameters and webhook_url, ignoring unknown fields", () => {
    expect(
      parse({
        action: "accept",
        stream: false,
        custom_parameters: { tenant: "acme", lang: "de" },
        webhook_url: "https://app.example/calls/CA1/events",
        extra: [1, 2],
      }),
    ).toEqual({
      ok: true,
      value: {
        action: "accept",
        stream: false,
        customParameters: { tenant: "acme", lang: "de" },
        webhookUrl: "https://app.example/calls/CA1/events",
      },
    });
  });

  test("defaults an accept to stream true, no parameters and no override", () => {
    expect(parse({ action: "accept" })).toEqual({
      ok: true,
      value: { action: "accept", stream: true, customParameters: {} },
    });
  });

  const reasons: Array<[string | undefined, number]> = [
    [undefined, 486],
    ["busy", 486],
    ["declined", 603],
    ["rejected", 603],
    ["unavailable", 480],
    ["not_found", 404],
    ["forbidden", 403],
    ["spam", 486],
    ["constructor", 486],
  ];
  for (const [reason, code] of reasons) {
    test(`rejects with reason ${reason ?? "(omitted)"} as SIP ${code} (sip.md §5)`, () => {
      expect(parse(reason === undefined ? { action: "reject" } : { action: "reject", reason })).toEqual({
        ok: true,
        value: { action: "reject", reason: reason ?? "busy", sipCode: code },
      });
      if (reason !== undefined) expect(rejectSipCode(reason)).toBe(code);
    });
  }

  test("an explicit sip_code overrides the code derived from reason", () => {
    expect(parse({ action: "reject", reason: "busy", sip_code: 404 })).toEqual({
      ok: true,
      value: { action: "reject", reason: "busy", sipCode: 404 },
    });
    expect(parse({ action: "reject", sip_code: 699 })).toMatchObject({ ok: true, value: { sipCode: 699 } });
  });

  const bad: Array<[string, unknown, string]> = [
    ["garbage", "<html>not json", "body is not JSON"],
    ["an empty body", "", "body is not JSON"],
    ["a JSON array", [{ action: "accept" }], "body is not a JSON object"],
    ["null", "null", "body is not a JSON object"],
    ["a missing action", { stream: true }, "action is missing"],
    ["an unknown action", { action: "answer" }, "action is not accept or reject"],
    ["a sip_code below 400", { action: "reject", sip_code: 200 }, "sip_code is not an integer in 400–699"],
    ["a sip_code above 699", { action: "reject", sip_code: 700 }, "sip_code is not an integer in 400–699"],
    ["a fractional sip_code", { action: "reject", sip_code: 486.5 }, "sip_code is not an integer in 400–699"],
    ["a string stream", { action: "accept", stream: "false" }, "stream is not a boolean"],
    [
      "a non-string parameter",
      { action: "accept", custom_parameters: { n: 1 } },
      "custom_parameters is not an object of strings",
    ],
    [
      "a non-http webhook_url",
      { action: "accept", webhook_url: "ftp://x/y" },
      "webhook_url is not an http(s) URL",
    ],
    [
      "a relative webhook_url",
      { action: "accept", webhook_url: "/events" },
      "webhook_url is not an http(s) URL",
    ],
    ["a numeric reason", { action: "reject", reason: 486 }, "reason is not a string"],
  ];
  for (const [name, body, reason] of bad) {
    test(`refuses ${name}: "${reason}"`, () => {
      expect(parse(body)).toEqual({ ok: false, error: reason });
    });
  }
});
