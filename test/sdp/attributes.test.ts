/** Attribute readers (RFC 8866 §6, RFC 4568 §9.1) and codec identification (RFC 3551, RFC 7587). */
import { describe, expect, test } from "bun:test";
import { inlineKeyOf, isHoldAddress, parseCrypto, parseRtpmap } from "../../src/sdp/attributes.ts";
import { identifyCodec } from "../../src/sdp/codecs.ts";

describe("parseRtpmap", () => {
  test("reads name, clock and channels", () => {
    expect(parseRtpmap("111 opus/48000/2")).toEqual({
      payloadType: 111,
      encodingName: "opus",
      clockRate: 48000,
      channels: 2,
    });
    expect(parseRtpmap("0 PCMU/8000")).toEqual({ payloadType: 0, encodingName: "PCMU", clockRate: 8000 });
  });

  test("refuses a payload type above 127 or a missing clock", () => {
    expect(parseRtpmap("128 PCMU/8000")).toBeUndefined();
    expect(parseRtpmap("0 PCMU")).toBeUndefined();
  });
});

describe("identifyCodec", () => {
  test("matches the rtpmap name case-insensitively and requires the right clock", () => {
    expect(identifyCodec(97, parseRtpmap("97 pcma/8000"))?.name).toBe("pcma");
    expect(identifyCodec(96, parseRtpmap("96 OPUS/48000"))?.name).toBe("opus");
    expect(identifyCodec(96, parseRtpmap("96 opus/48000/1"))).toBeUndefined();
    expect(identifyCodec(9, parseRtpmap("9 G722/16000"))).toBeUndefined();
  });

  test("uses RFC 3551 static numbers only when there is no rtpmap", () => {
    expect(identifyCodec(9, undefined)?.name).toBe("g722");
    expect(identifyCodec(18, undefined)).toBeUndefined();
    expect(identifyCodec(0, parseRtpmap("0 G729/8000"))).toBeUndefined();
  });
});

describe("crypto attributes", () => {
  test("parse tag, suite, key params and session params", () => {
    expect(
      parseCrypto(
        "1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32 KDR=1",
      ),
    ).toEqual({
      tag: 1,
      suite: "AES_CM_128_HMAC_SHA1_80",
      keyParams: "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32",
      sessionParams: ["KDR=1"],
    });
    expect(parseCrypto("x AES_CM_128_HMAC_SHA1_80 inline:a")).toBeUndefined();
  });

  test("inlineKeyOf takes the key of the first inline key-param without lifetime or MKI", () => {
    expect(inlineKeyOf("inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20|1:32")).toBe(
      "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj",
    );
    expect(
      inlineKeyOf(
        "inline:YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2;inline:QUJjZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2",
      ),
    ).toBe("YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2");
    expect(inlineKeyOf("uri:https://example.com/key")).toBeUndefined();
  });

  test("inlineKeyOf refuses a key||salt that is not 30 octets (40 base64 characters, RFC 4568 §6.2.1)", () => {
    // 29 and 31 octets, and a padded 28-octet key: none can key AES_CM_128.
    expect(inlineKeyOf("inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVu")).toBeUndefined();
    expect(inlineKeyOf("inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzAA==")).toBeUndefined();
    expect(inlineKeyOf("inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9Cg==")).toBeUndefined();
    expect(inlineKeyOf("inline:AAAA|2^20")).toBeUndefined();
  });
});

describe("hold addresses", () => {
  test("treats the IPv4 and IPv6 unspecified addresses as hold", () => {
    expect(["0.0.0.0", "::", "0:0:0:0:0:0:0:0"].every(isHoldAddress)).toBe(true);
    expect(isHoldAddress("192.0.2.1")).toBe(false);
  });
});
