/** Reading a peer's answer to our offer (RFC 3264 §7, RFC 4568 §7.1.3). */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildOffer } from "../../src/sdp/offer.ts";
import { parseSdp } from "../../src/sdp/parse.ts";
import { readAnswer } from "../../src/sdp/read-answer.ts";
import type { SessionDescription } from "../../src/sdp/types.ts";

const KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
const base = { address: "192.0.2.10", port: 20000, origin: { sessionId: "42", sessionVersion: "42" } };
const plain = buildOffer(base);
const srtp = buildOffer({ ...base, crypto: [{ suite: "AES_CM_128_HMAC_SHA1_80", key: KEY }] });

function sdp(body: string): SessionDescription {
  const r = parseSdp(`v=0\no=- 7 7 IN IP4 203.0.113.9\ns=-\nc=IN IP4 203.0.113.9\nt=0 0\n${body}`);
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
}

describe("readAnswer", () => {
  test("takes the answerer's codec, telephone-event and address", () => {
    const r = readAnswer(
      plain,
      sdp(
        "m=audio 30000 RTP/AVP 8 101\na=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\na=sendrecv\n",
      ),
    );
    expect(r).toEqual({
      ok: true,
      value: {
        codec: "pcma",
        payloadType: 8,
        clockRate: 8000,
        telephoneEventPt: 101,
        telephoneEventRate: 8000,
        remoteAddr: "203.0.113.9",
        remotePort: 30000,
        remoteRtcpPort: 30001,
        direction: "sendrecv",
        remoteHold: false,
      },
    });
  });

  test("takes the first codec when the answerer lists several", () => {
    const r = readAnswer(plain, sdp("m=audio 30000 RTP/AVP 9 0 8\n"));
    expect(r.ok && [r.value.codec, r.value.payloadType]).toEqual(["g722", 9]);
  });

  test("falls back to our offer's rtpmap when the answer omits it for a dynamic type", () => {
    const r = readAnswer(plain, sdp("m=audio 30000 RTP/AVP 111\n"));
    expect(r.ok && [r.value.codec, r.value.clockRate]).toEqual(["opus", 48000]);
  });

  test("our hold offer answered recvonly leaves us sendonly and the remote not holding", () => {
    const hold = buildOffer({ ...base, direction: "sendonly" });
    const r = readAnswer(hold, sdp("m=audio 30000 RTP/AVP 0\na=recvonly\n"));
    expect(r.ok && [r.value.direction, r.value.remoteHold]).toEqual(["sendonly", false]);
  });

  test("an answer of inactive makes us inactive", () => {
    const r = readAnswer(plain, sdp("m=audio 30000 RTP/AVP 0\na=inactive\n"));
    expect(r.ok && r.value.direction).toBe("inactive");
  });

  test("returns the SRTP keys for the tag and suite the answer accepted", () => {
    const r = readAnswer(
      srtp,
      sdp(
        "m=audio 30000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:OYcEGc1ZIWNMjOGFVODgqLdVwtn+lIG3HXjIoAkr|2^31\n",
      ),
    );
    expect(r.ok && r.value.crypto).toEqual({
      tag: 1,
      suite: "AES_CM_128_HMAC_SHA1_80",
      remoteKey: "OYcEGc1ZIWNMjOGFVODgqLdVwtn+lIG3HXjIoAkr",
      localKey: KEY,
    });
  });

  test("fails when an SRTP answer has no crypto line matching our tag and suite", () => {
    const r = readAnswer(
      srtp,
      sdp(
        "m=audio 30000 RTP/SAVP 0\na=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:OYcEGc1ZIWNMjOGFVODgqLdVwtn+lIG3HXjIoAkr\n",
      ),
    );
    expect(r).toEqual({ ok: false, error: "the answer has no crypto line matching our offer" });
  });

  test("fails when the answer's crypto line carries a key||salt that is not 30 octets", () => {
    const r = readAnswer(
      srtp,
      sdp("m=audio 30000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\n"),
    );
    expect(r).toEqual({ ok: false, error: "the answer has no crypto line matching our offer" });
  });

  test("fails when the answer switches plain RTP to SAVP", () => {
    expect(readAnswer(plain, sdp("m=audio 30000 RTP/SAVP 0\n")).ok).toBe(false);
  });

  test("fails when the answer rejects the audio stream with port 0", () => {
    expect(readAnswer(plain, sdp("m=audio 0 RTP/AVP 0\n"))).toEqual({
      ok: false,
      error: "the answer rejected or lacks the audio stream",
    });
  });

  test("fails when the answer's codec is outside the allowlist", () => {
    expect(readAnswer(plain, sdp("m=audio 30000 RTP/AVP 0\n"), { allow: ["pcma"] }).ok).toBe(false);
  });
});

describe("readAnswer on baresip 1.0.0's real answers to our offers", () => {
  const load = (name: string) => {
    const r = parseSdp(readFileSync(join(import.meta.dir, "../vectors/sdp", name), "utf8"));
    if (!r.ok) throw new Error(r.error.reason);
    return r.value;
  };

  test("our offer is what buildOffer writes today", () => {
    const text = readFileSync(join(import.meta.dir, "../vectors/sdp/xbridge-offer-plain.sdp"), "utf8");
    const now = buildOffer({
      address: "127.0.0.1",
      port: 40100,
      origin: { sessionId: "4242", sessionVersion: "4242" },
    });
    expect(parseSdp(text)).toEqual({ ok: true, value: now });
  });

  test("takes PCMU/0 with telephone-event 101 from the plain answer, which lists every codec", () => {
    const r = readAnswer(load("xbridge-offer-plain.sdp"), load("baresip-answer-plain.sdp"));
    expect(r.ok && r.value).toEqual({
      codec: "pcmu",
      payloadType: 0,
      clockRate: 8000,
      telephoneEventPt: 101,
      telephoneEventRate: 8000,
      remoteAddr: "127.0.0.1",
      remotePort: 10452,
      remoteRtcpPort: 10453,
      direction: "sendrecv",
      remoteHold: false,
    });
  });

  test("pairs the SRTP answer's crypto tag 1 with the key we offered under that tag", () => {
    const r = readAnswer(load("xbridge-offer-srtp.sdp"), load("baresip-answer-srtp.sdp"));
    expect(r.ok && r.value.crypto).toEqual({
      tag: 1,
      suite: "AES_CM_128_HMAC_SHA1_80",
      remoteKey: "YmwNF6mYsMMcB5w49b0ZBSnw+MZ++BSA1adMH4bt",
      localKey: KEY,
    });
  });
});
