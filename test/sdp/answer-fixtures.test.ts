/**
 * Table test: every offer fixture in test/vectors/sdp/ is answered, and the answer is read
 * back as the offerer would (RFC 3264 §6, §7; sip.md §10, §7, §5).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { answerOffer } from "../../src/sdp/answer.ts";
import { parseSdp } from "../../src/sdp/parse.ts";
import { serializeSdp } from "../../src/sdp/serialize.ts";
import type { CodecName, Direction, SessionDescription, SrtpSuite } from "../../src/sdp/types.ts";

const DIR = join(import.meta.dir, "../vectors/sdp");
const LOCAL_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd";
const opts = {
  address: "198.51.100.1",
  port: 40000,
  origin: { sessionId: "1", sessionVersion: "1" },
  srtpKey: LOCAL_KEY,
};

function load(name: string): SessionDescription {
  const r = parseSdp(readFileSync(join(DIR, name), "utf8"));
  if (!r.ok) throw new Error(`${name}: ${r.error.reason}`);
  return r.value;
}

interface Accept {
  file: string;
  allow?: CodecName[];
  direction?: Direction;
  codec: CodecName;
  pt: number;
  te?: [number, number];
  remote: [string, number];
  rtcp?: number;
  answerDirection: Direction;
  hold: boolean;
  crypto?: [number, SrtpSuite];
  /** m= index accepted and how many m= lines the answer has. */
  index?: number;
}

const ACCEPT: Accept[] = [
  {
    file: "baresip-plain.sdp",
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["127.0.0.1", 10448],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "baresip-plain.sdp",
    allow: ["opus"],
    codec: "opus",
    pt: 96,
    te: [101, 8000],
    remote: ["127.0.0.1", 10448],
    answerDirection: "sendrecv",
    hold: false,
  },
  // RTP/AVP with crypto lines is best-effort SRTP we do not take up: plain RTP (RFC 4568 §3.1.4).
  {
    file: "baresip-srtp-best-effort.sdp",
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["127.0.0.1", 10494],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "baresip-srtp-mandatory.sdp",
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["127.0.0.1", 10480],
    answerDirection: "sendrecv",
    hold: false,
    crypto: [1, "AES_CM_128_HMAC_SHA1_80"],
  },
  {
    file: "asterisk.sdp",
    codec: "pcma",
    pt: 8,
    te: [101, 8000],
    remote: ["192.168.1.20", 14602],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "asterisk.sdp",
    allow: ["pcmu"],
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["192.168.1.20", 14602],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "asterisk-hold.sdp",
    codec: "pcma",
    pt: 8,
    te: [101, 8000],
    remote: ["192.168.1.20", 14602],
    answerDirection: "recvonly",
    hold: true,
  },
  {
    file: "asterisk.sdp",
    direction: "sendonly",
    codec: "pcma",
    pt: 8,
    te: [101, 8000],
    remote: ["192.168.1.20", 14602],
    answerDirection: "sendonly",
    hold: false,
  },
  // The telephone-event whose clock matches Opus (48000) wins over the 8000 one.
  {
    file: "freeswitch.sdp",
    codec: "opus",
    pt: 102,
    te: [103, 48000],
    remote: ["10.0.0.5", 24680],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "freeswitch.sdp",
    allow: ["pcma", "pcmu"],
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["10.0.0.5", 24680],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "freeswitch-savp.sdp",
    codec: "g722",
    pt: 9,
    te: [101, 8000],
    remote: ["10.0.0.5", 24700],
    answerDirection: "sendrecv",
    hold: false,
    crypto: [3, "AES_CM_128_HMAC_SHA1_80"],
  },
  {
    file: "kamailio-rtpengine.sdp",
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["203.0.113.10", 30000],
    rtcp: 30003,
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "twilio.sdp",
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["54.172.60.1", 15462],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "telnyx-savp.sdp",
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["192.76.120.10", 20010],
    answerDirection: "sendrecv",
    hold: false,
    crypto: [1, "AES_CM_128_HMAC_SHA1_80"],
  },
  {
    file: "ipv6.sdp",
    codec: "g722",
    pt: 9,
    te: [101, 8000],
    remote: ["2001:db8::10", 49170],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "hold-c-zero.sdp",
    codec: "pcmu",
    pt: 0,
    te: [101, 8000],
    remote: ["0.0.0.0", 49170],
    answerDirection: "recvonly",
    hold: true,
  },
  {
    file: "hold-inactive.sdp",
    codec: "pcma",
    pt: 8,
    te: [101, 8000],
    remote: ["192.168.1.20", 14602],
    answerDirection: "inactive",
    hold: true,
  },
  {
    file: "recvonly.sdp",
    codec: "pcma",
    pt: 8,
    te: [101, 8000],
    remote: ["192.168.1.20", 14602],
    answerDirection: "sendonly",
    hold: false,
  },
  {
    file: "video-then-audio.sdp",
    codec: "pcma",
    pt: 97,
    te: [101, 8000],
    remote: ["192.0.2.51", 51374],
    answerDirection: "sendrecv",
    hold: false,
    index: 1,
  },
  {
    file: "mixed-case-any-order.sdp",
    codec: "pcma",
    pt: 97,
    te: [98, 8000],
    remote: ["192.0.2.80", 7078],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "sipp-static-no-rtpmap.sdp",
    codec: "pcma",
    pt: 8,
    remote: ["127.0.0.1", 6000],
    answerDirection: "sendrecv",
    hold: false,
  },
  {
    file: "opus-only.sdp",
    codec: "opus",
    pt: 109,
    te: [110, 48000],
    remote: ["192.0.2.90", 5004],
    answerDirection: "sendrecv",
    hold: false,
  },
];

const REJECT: Array<{ file: string; allow?: CodecName[]; srtpKey?: undefined; reason: string }> = [
  { file: "no-common-codec.sdp", reason: "no common codec" },
  { file: "video-only.sdp", reason: "no audio stream" },
  { file: "savp-unsupported-suite.sdp", reason: "unsupported crypto suite" },
  { file: "webrtc-dtls.sdp", reason: "unsupported transport UDP/TLS/RTP/SAVPF" },
  { file: "opus-only.sdp", allow: ["pcmu", "pcma"], reason: "no common codec" },
  { file: "asterisk.sdp", allow: ["g722"], reason: "no common codec" },
  { file: "baresip-srtp-mandatory.sdp", srtpKey: undefined, reason: "SRTP offered but no local SRTP key" },
];

describe("answering real and typical offers", () => {
  for (const c of ACCEPT) {
    const label = `${c.file}${c.allow ? ` allow=${c.allow.join(",")}` : ""}${c.direction ? ` local=${c.direction}` : ""}`;
    test(`answers ${label} with ${c.codec}/${c.pt}, ${c.answerDirection}`, () => {
      const offer = load(c.file);
      const r = answerOffer(offer, {
        ...opts,
        ...(c.allow ? { allow: c.allow } : {}),
        ...(c.direction ? { direction: c.direction } : {}),
      });
      if (!r.ok) throw new Error(r.error.reason);
      const { sdp, media } = r.value;
      expect(media.codec).toBe(c.codec);
      expect(media.payloadType).toBe(c.pt);
      expect(media.telephoneEventPt).toBe(c.te?.[0]);
      expect(media.telephoneEventRate).toBe(c.te?.[1]);
      expect([media.remoteAddr, media.remotePort]).toEqual(c.remote);
      expect(media.remoteRtcpPort).toBe(c.rtcp ?? c.remote[1] + 1);
      expect(media.direction).toBe(c.answerDirection);
      expect(media.remoteHold).toBe(c.hold);
      expect(media.crypto === undefined ? undefined : [media.crypto.tag, media.crypto.suite]).toEqual(
        c.crypto,
      );
      if (c.crypto) expect(media.crypto?.localKey).toBe(LOCAL_KEY);

      // RFC 3264 §6: same number of m= lines, only the accepted one live, only the chosen codec (+ TE).
      expect(sdp.media.length).toBe(offer.media.length);
      const index = c.index ?? 0;
      expect(sdp.media.map((m) => m.port)).toEqual(sdp.media.map((_, i) => (i === index ? 40000 : 0)));
      const answered = sdp.media[index]!;
      expect(answered.formats).toEqual(c.te ? [`${c.pt}`, `${c.te[0]}`] : [`${c.pt}`]);
      expect(answered.proto).toBe(offer.media[index]!.proto);
      const text = serializeSdp(sdp);
      expect(text).toContain(`a=${c.answerDirection}\r\n`);
      expect(text).toContain("a=ptime:20\r\n");
      expect(text.includes("a=crypto:")).toBe(c.crypto !== undefined);
      if (c.crypto) expect(text).toContain(`a=crypto:${c.crypto[0]} ${c.crypto[1]} inline:${LOCAL_KEY}\r\n`);
      expect(parseSdp(text).ok).toBe(true);
    });
  }
});

describe("refusing offers with 488", () => {
  for (const c of REJECT) {
    test(`refuses ${c.file}${c.allow ? ` allow=${c.allow.join(",")}` : ""} with "${c.reason}"`, () => {
      const o = "srtpKey" in c ? { ...opts, srtpKey: undefined } : opts;
      const r = answerOffer(load(c.file), { ...o, ...(c.allow ? { allow: c.allow } : {}) });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toEqual({ status: 488, reason: c.reason });
    });
  }
});
