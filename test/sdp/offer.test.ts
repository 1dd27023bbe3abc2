/** Our offers (sip.md §10), origin versions for re-offers (RFC 3264 §8), hold detection (sip.md §7). */
import { describe, expect, test } from "bun:test";
import { isRemoteHold, remoteHoldChange } from "../../src/sdp/audio-stream.ts";
import { buildOffer, freshOrigin, sequenceLocalDescription } from "../../src/sdp/offer.ts";
import { parseSdp } from "../../src/sdp/parse.ts";
import { serializeSdp } from "../../src/sdp/serialize.ts";
import { seededRandom } from "../support/seeded-random.ts";

const base = { address: "192.0.2.10", port: 20000, origin: { sessionId: "42", sessionVersion: "42" } };

describe("buildOffer", () => {
  test("offers PCMU, PCMA, G722, opus, telephone-event in that order with ptime 20", () => {
    expect(serializeSdp(buildOffer(base))).toBe(
      [
        "v=0",
        "o=- 42 42 IN IP4 192.0.2.10",
        "s=xbridge",
        "c=IN IP4 192.0.2.10",
        "t=0 0",
        "m=audio 20000 RTP/AVP 0 8 9 111 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=20;useinbandfec=0",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
        "a=sendrecv",
        "",
      ].join("\r\n"),
    );
  });

  test("leaves out what the allowlist excludes but always keeps telephone-event", () => {
    const m = buildOffer({ ...base, allow: ["pcma", "opus"] }).media[0]!;
    expect(m.formats).toEqual(["8", "111", "101"]);
    expect(m.attributes.filter((a) => a.name === "rtpmap").map((a) => a.value)).toEqual([
      "8 PCMA/8000",
      "111 opus/48000/2",
      "101 telephone-event/8000",
    ]);
  });

  test("offers RTP/SAVP with one crypto line per suite when keys are given", () => {
    const text = serializeSdp(
      buildOffer({
        ...base,
        crypto: [
          { suite: "AES_CM_128_HMAC_SHA1_80", key: "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz" },
          { suite: "AES_CM_128_HMAC_SHA1_32", key: "OYcEGc1ZIWNMjOGFVODgqLdVwtn+lIG3HXjIoAkr" },
        ],
      }),
    );
    expect(text).toContain("m=audio 20000 RTP/SAVP 0 8 9 111 101\r\n");
    expect(text).toContain(
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n" +
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:OYcEGc1ZIWNMjOGFVODgqLdVwtn+lIG3HXjIoAkr\r\n",
    );
  });

  test("writes IP6 in o= and c= for an IPv6 address", () => {
    const text = serializeSdp(buildOffer({ ...base, address: "2001:db8::1" }));
    expect(text).toContain("o=- 42 42 IN IP6 2001:db8::1\r\n");
    expect(text).toContain("c=IN IP6 2001:db8::1\r\n");
  });

  test("puts the requested direction on the stream (sendonly for hold)", () => {
    expect(serializeSdp(buildOffer({ ...base, direction: "sendonly" }))).toContain("a=sendonly\r\n");
  });

  test("freshOrigin draws the session id from the injected Random", () => {
    const a = freshOrigin(seededRandom(7));
    expect(a).toEqual(freshOrigin(seededRandom(7)));
    expect(a.sessionId).toMatch(/^\d+$/);
    expect(a.sessionVersion).toBe(a.sessionId);
    expect(freshOrigin(seededRandom(8)).sessionId).not.toBe(a.sessionId);
  });
});

describe("sequenceLocalDescription", () => {
  const first = buildOffer(base);

  test("increments the version by one and keeps the session id when the description changes", () => {
    const hold = sequenceLocalDescription(
      first,
      buildOffer({ ...base, direction: "sendonly", origin: { sessionId: "9", sessionVersion: "9" } }),
    );
    expect(hold.origin?.sessionId).toBe("42");
    expect(hold.origin?.sessionVersion).toBe("43");
    const resume = sequenceLocalDescription(hold, buildOffer(base));
    expect(resume.origin?.sessionVersion).toBe("44");
  });

  test("keeps the version when the description is unchanged (session refresh)", () => {
    expect(sequenceLocalDescription(first, buildOffer(base)).origin?.sessionVersion).toBe("42");
  });

  test("counts past 2^53 without losing precision", () => {
    const big = buildOffer({ ...base, origin: { sessionId: "1", sessionVersion: "18446744073709551614" } });
    const next = sequenceLocalDescription(big, buildOffer({ ...base, port: 20002 }));
    expect(next.origin?.sessionVersion).toBe("18446744073709551615");
  });

  test("returns the new description unchanged when there is no previous one", () => {
    const sd = buildOffer(base);
    expect(sequenceLocalDescription(undefined, sd)).toBe(sd);
  });
});

describe("isRemoteHold", () => {
  const offer = (dir: string, addr = "192.0.2.5") =>
    parseSdp(`v=0\no=- 1 1 IN IP4 ${addr}\ns=-\nc=IN IP4 ${addr}\nt=0 0\nm=audio 4000 RTP/AVP 0\n${dir}`);
  const held = (dir: string, addr?: string) => {
    const r = offer(dir, addr);
    return r.ok && isRemoteHold(r.value);
  };

  test("sendonly, inactive and c=0.0.0.0 put us on hold", () => {
    expect(held("a=sendonly\n")).toBe(true);
    expect(held("a=inactive\n")).toBe(true);
    expect(held("a=sendrecv\n", "0.0.0.0")).toBe(true);
  });

  test("sendrecv, recvonly and no attribute are not hold", () => {
    expect(held("a=sendrecv\n")).toBe(false);
    expect(held("a=recvonly\n")).toBe(false);
    expect(held("")).toBe(false);
  });

  test("a session-level direction applies when the media has none", () => {
    const r = parseSdp("v=0\ns=-\nc=IN IP4 192.0.2.5\nt=0 0\na=sendonly\nm=audio 4000 RTP/AVP 0\n");
    expect(r.ok && isRemoteHold(r.value)).toBe(true);
  });
});

describe("remoteHoldChange", () => {
  const reoffer = (dir: string) => {
    const r = parseSdp(`v=0\ns=-\nc=IN IP4 192.0.2.5\nt=0 0\nm=audio 4000 RTP/AVP 0\na=${dir}\n`);
    if (!r.ok) throw new Error(r.error.reason);
    return r.value;
  };

  test("reports hold when a re-offer goes sendonly and resume when it comes back to sendrecv", () => {
    expect(remoteHoldChange(false, reoffer("sendonly"))).toBe("hold");
    expect(remoteHoldChange(true, reoffer("sendrecv"))).toBe("resume");
  });

  test("reports nothing when the hold state does not change", () => {
    expect(remoteHoldChange(false, reoffer("sendrecv"))).toBeUndefined();
    expect(remoteHoldChange(true, reoffer("inactive"))).toBeUndefined();
  });
});
