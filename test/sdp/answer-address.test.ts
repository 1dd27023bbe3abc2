/**
 * answerOffer and the connection address (RFC 8866 §5.7): the media path sends only to IP
 * literals (no DNS), so an offer whose c= is a hostname or a literal of the wrong family is
 * refused with 488 instead of becoming a call whose audio goes nowhere.
 */
import { describe, expect, test } from "bun:test";
import { answerOffer } from "../../src/sdp/answer.ts";
import { parseSdp } from "../../src/sdp/parse.ts";

describe("connection addresses we cannot send to (RFC 8866 §5.7)", () => {
  const offerWith = (c: string) =>
    ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", `c=${c}`, "t=0 0", "m=audio 4000 RTP/AVP 0", ""].join("\r\n");
  const answerTo = (c: string) => {
    const parsed = parseSdp(offerWith(c));
    if (!parsed.ok) throw new Error(parsed.error.reason);
    return answerOffer(parsed.value, {
      address: "192.0.2.9",
      port: 5000,
      origin: { sessionId: "1", sessionVersion: "1" },
    });
  };

  test("answers 488 naming the address when c= is a hostname or not an IP literal of its family", () => {
    for (const [c, reason] of [
      ["IN IP4 pbx.example.com", 'connection address "pbx.example.com" is not an IPv4 address'],
      ["IN IP4 999.1.1.1", 'connection address "999.1.1.1" is not an IPv4 address'],
      ["IN IP4 ::1", 'connection address "::1" is not an IPv4 address'],
      ["IN IP6 127.0.0.1", 'connection address "127.0.0.1" is not an IPv6 address'],
      ["IN IP6 [::1]", 'connection address "[::1]" is not an IPv6 address'],
    ] as const) {
      expect(answerTo(c)).toEqual({ ok: false, error: { status: 488, reason } });
    }
  });

  test("still accepts IPv4, IPv6 and the 0.0.0.0 hold address", () => {
    expect(answerTo("IN IP4 192.0.2.1").ok).toBe(true);
    expect(answerTo("IN IP6 2001:db8::1").ok).toBe(true);
    expect(answerTo("IN IP4 0.0.0.0").ok).toBe(true);
  });
});
