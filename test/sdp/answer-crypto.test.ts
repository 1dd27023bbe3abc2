/**
 * answerOffer and the SDES key of an RTP/SAVP offer (RFC 4568 §6.1, §7.1.2): only a line with
 * a supported suite and a 30-octet key||salt can be accepted, so the media layer never gets a
 * key it cannot use for a call the SDP says is encrypted.
 */
import { describe, expect, test } from "bun:test";
import { answerOffer } from "../../src/sdp/answer.ts";
import { parseSdp } from "../../src/sdp/parse.ts";
import type { SessionDescription } from "../../src/sdp/types.ts";

const LOCAL_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd";
const GOOD_KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
const opts = {
  address: "198.51.100.1",
  port: 40000,
  origin: { sessionId: "1", sessionVersion: "1" },
  srtpKey: LOCAL_KEY,
};

function offer(cryptoLines: string): SessionDescription {
  const r = parseSdp(
    `v=0\r\no=- 7 7 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\nm=audio 30000 RTP/SAVP 0\r\n${cryptoLines}`,
  );
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
}

describe("answerOffer: SDES keys", () => {
  test("answers 488 when the only line of a supported suite has a key||salt that is not 30 octets", () => {
    const r = answerOffer(offer("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n"), opts);
    expect(r).toEqual({
      ok: false,
      error: { status: 488, reason: "no crypto line with a 30-octet inline key" },
    });
  });

  test("skips a line with a short key and accepts the next usable one of an allowed suite", () => {
    const r = answerOffer(
      offer(
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n" +
          `a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${GOOD_KEY}\r\n`,
      ),
      { ...opts, srtpSuites: ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"] },
    );
    expect(r.ok && r.value.media.crypto).toEqual({
      tag: 2,
      suite: "AES_CM_128_HMAC_SHA1_32",
      remoteKey: GOOD_KEY,
      localKey: LOCAL_KEY,
    });
  });

  test("answers 488 by default to an offer whose only suite is AES_CM_128_HMAC_SHA1_32 (sip.md §10)", () => {
    const r = answerOffer(offer(`a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${GOOD_KEY}\r\n`), opts);
    expect(r.ok).toBe(false);
    expect(r.ok ? undefined : r.error.status).toBe(488);
  });

  test("picks AES_CM_128_HMAC_SHA1_80 by default when the offer lists _32 first", () => {
    const r = answerOffer(
      offer(
        `a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${GOOD_KEY}\r\n` +
          `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${GOOD_KEY}\r\n`,
      ),
      opts,
    );
    expect(r.ok && r.value.media.crypto?.suite).toBe("AES_CM_128_HMAC_SHA1_80");
  });
});
