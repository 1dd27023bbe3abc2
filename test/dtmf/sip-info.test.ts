/** SIP INFO DTMF bodies (sip.md §9) and the REST digit rule (rest-api.md). */
import { describe, expect, test } from "bun:test";
import { digitToEvent, eventToDigit, validateDtmfDigits } from "../../src/dtmf/digits.ts";
import { buildDtmfRelayBody, parseDtmfInfo } from "../../src/dtmf/sip-info.ts";

describe("parseDtmfInfo", () => {
  test("reads Signal and Duration from application/dtmf-relay", () => {
    expect(parseDtmfInfo("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n")).toEqual({
      ok: true,
      value: { digit: "5", durationMs: 160 },
    });
  });

  test("accepts any key case, spaces, LF line ends, lowercase a-d, no Duration", () => {
    expect(parseDtmfInfo("Application/DTMF-Relay", "  SIGNAL = d \n")).toEqual({
      ok: true,
      value: { digit: "D" },
    });
    expect(parseDtmfInfo("application/dtmf-relay; charset=utf-8", "signal=#\nduration=250")).toEqual({
      ok: true,
      value: { digit: "#", durationMs: 250 },
    });
  });

  test("reads the digit of application/dtmf", () => {
    expect(parseDtmfInfo("application/dtmf", "*\r\n")).toEqual({ ok: true, value: { digit: "*" } });
  });

  test("treats other content types as not DTMF", () => {
    expect(parseDtmfInfo("application/media_control+xml", "<x/>")).toEqual({ ok: true, value: null });
  });

  test("refuses a dtmf-relay body without Signal or with a bad digit", () => {
    expect(parseDtmfInfo("application/dtmf-relay", "Duration=100\r\n").ok).toBe(false);
    expect(parseDtmfInfo("application/dtmf-relay", "Signal=E\r\n").ok).toBe(false);
    expect(parseDtmfInfo("application/dtmf-relay", "Signal=12\r\n").ok).toBe(false);
    expect(parseDtmfInfo("application/dtmf", "12").ok).toBe(false);
    expect(parseDtmfInfo("application/dtmf-relay", `Signal=1\r\n${"x".repeat(2000)}`).ok).toBe(false);
  });

  test("builds the body we send and reads it back", () => {
    const body = buildDtmfRelayBody("A");
    expect(body).toBe("Signal=A\r\nDuration=100\r\n");
    expect(parseDtmfInfo("application/dtmf-relay", body)).toEqual({
      ok: true,
      value: { digit: "A", durationMs: 100 },
    });
  });
});

describe("validateDtmfDigits", () => {
  test("accepts 0-9 * # A-D a-d and upper-cases a-d", () => {
    const r = validateDtmfDigits("0123456789*#ABCDabcd");
    expect(r.ok && r.value.join("")).toBe("0123456789*#ABCDABCD");
  });

  test("accepts exactly 32 digits and refuses 33 or none", () => {
    expect(validateDtmfDigits("1".repeat(32)).ok).toBe(true);
    expect(validateDtmfDigits("1".repeat(33)).ok).toBe(false);
    expect(validateDtmfDigits("").ok).toBe(false);
  });

  test("refuses the whole string at its first bad character", () => {
    const r = validateDtmfDigits("12E4");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.offset).toBe(2);
    expect(validateDtmfDigits("1 2").ok).toBe(false);
    expect(validateDtmfDigits("12,").ok).toBe(false);
  });
});

describe("event codes", () => {
  test("map both ways for the 16 digits and not for flash", () => {
    for (let e = 0; e < 16; e++) expect(digitToEvent(eventToDigit(e)!)).toBe(e);
    expect(eventToDigit(16)).toBeUndefined();
    expect(eventToDigit(255)).toBeUndefined();
  });
});
