/** Lenient SDP parsing and RFC 8866 §5 ordered serialization. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_SDP_CHARS, parseSdp } from "../../src/sdp/parse.ts";
import { serializeSdp } from "../../src/sdp/serialize.ts";

const VECTORS = join(import.meta.dir, "../vectors/sdp");

function parsed(text: string) {
  const r = parseSdp(text);
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
}

describe("parseSdp", () => {
  test("reads the captured baresip offer field by field", () => {
    const sd = parsed(readFileSync(join(VECTORS, "baresip-plain.sdp"), "utf8"));
    expect(sd.version).toBe(0);
    expect(sd.origin).toEqual({
      username: "-",
      sessionId: "3799578602",
      sessionVersion: "663019819",
      netType: "IN",
      addrType: "IP4",
      address: "127.0.0.1",
    });
    expect(sd.connection).toEqual({ netType: "IN", addrType: "IP4", address: "127.0.0.1" });
    expect(sd.attributes).toEqual([{ name: "tool", value: "baresip 1.0.0" }]);
    const m = sd.media[0]!;
    expect([m.media, m.port, m.proto, m.formats]).toEqual([
      "audio",
      10448,
      "RTP/AVP",
      ["0", "8", "9", "96", "101"],
    ]);
    expect(m.attributes).toContainEqual({ name: "sendrecv" });
    expect(m.attributes).toContainEqual({
      name: "fmtp",
      value: "96 stereo=1;sprop-stereo=1;maxaveragebitrate=32000",
    });
  });

  test("gives the same model for CRLF and bare LF line ends", () => {
    const lf = "v=0\no=- 1 2 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n";
    expect(parsed(lf.replaceAll("\n", "\r\n"))).toEqual(parsed(lf));
  });

  test("accepts session lines in any order and writes them back in RFC 8866 order", () => {
    const text =
      "a=tool:x\nt=0 0\nc=IN IP4 192.0.2.1\ns=-\no=- 1 2 IN IP4 192.0.2.1\nv=0\nm=audio 4000 RTP/AVP 0\n";
    expect(serializeSdp(parsed(text))).toBe(
      "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\na=tool:x\r\nm=audio 4000 RTP/AVP 0\r\n",
    );
  });

  test("keeps unknown and malformed lines verbatim in their own section", () => {
    const text =
      "v=0\nx=vendor thing\no=broken\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\ny=media thing\nno equals sign\n";
    const sd = parsed(text);
    expect(sd.origin).toBeUndefined();
    expect(sd.unknown).toEqual(["x=vendor thing", "o=broken"]);
    expect(sd.media[0]!.unknown).toEqual(["y=media thing", "no equals sign"]);
    const out = serializeSdp(sd);
    expect(out).toContain("t=0 0\r\nx=vendor thing\r\no=broken\r\nm=audio");
    expect(out.endsWith("m=audio 4000 RTP/AVP 0\r\ny=media thing\r\nno equals sign\r\n")).toBe(true);
  });

  test("ties r= lines to the t= before them", () => {
    const sd = parsed(
      "v=0\ns=-\nt=3034423619 3042462419\nr=604800 3600 0 90000\nt=0 0\nm=audio 1 RTP/AVP 0\n",
    );
    expect(sd.timings).toEqual([
      { start: "3034423619", stop: "3042462419", repeats: ["604800 3600 0 90000"] },
      { start: "0", stop: "0", repeats: [] },
    ]);
  });

  test("supplies t=0 0 and s=- when they are missing", () => {
    const sd = parsed("v=0\nm=audio 4000 RTP/AVP 0\n");
    expect(sd.sessionName).toBe("-");
    expect(sd.timings).toEqual([{ start: "0", stop: "0", repeats: [] }]);
  });

  test("reads port/number-of-ports, multiple media c= lines and media-level fields", () => {
    const sd = parsed(
      "v=0\ns=-\nt=0 0\nm=audio 49170/2 RTP/AVP 0\ni=voice\nc=IN IP4 233.252.0.1/127\nc=IN IP4 233.252.0.2/127\nb=AS:64\nk=prompt\n",
    );
    const m = sd.media[0]!;
    expect([m.port, m.numberOfPorts, m.information, m.bandwidths, m.key]).toEqual([
      49170,
      2,
      "voice",
      ["AS:64"],
      "prompt",
    ]);
    expect(m.connections.map((c) => c.address)).toEqual(["233.252.0.1/127", "233.252.0.2/127"]);
  });

  test("fails with an offset on a malformed m= line", () => {
    const r = parseSdp("v=0\ns=-\nm=audio notaport RTP/AVP 0\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.offset).toBe(8);
  });

  test("fails on a port above 65535", () => {
    expect(parseSdp("v=0\nm=audio 70000 RTP/AVP 0\n").ok).toBe(false);
  });

  test("fails on text with no SDP line at all", () => {
    expect(parseSdp("hello world\n").ok).toBe(false);
    expect(parseSdp("").ok).toBe(false);
  });

  test("refuses bodies over the size bound", () => {
    const big = `v=0\n${"a=x\n".repeat(MAX_SDP_CHARS / 4)}`;
    const r = parseSdp(big);
    expect(r.ok).toBe(false);
  });

  test("refuses more than 32 m= sections", () => {
    expect(parseSdp(`v=0\n${"m=audio 1 RTP/AVP 0\n".repeat(33)}`).ok).toBe(false);
    expect(parseSdp(`v=0\n${"m=audio 1 RTP/AVP 0\n".repeat(32)}`).ok).toBe(true);
  });

  test("round-trips every fixture: parse(serialize(parse(x))) equals parse(x)", () => {
    for (const f of [
      "baresip-srtp-mandatory.sdp",
      "freeswitch-savp.sdp",
      "webrtc-dtls.sdp",
      "mixed-case-any-order.sdp",
    ]) {
      const once = parsed(readFileSync(join(VECTORS, f), "utf8"));
      expect(parsed(serializeSdp(once))).toEqual(once);
    }
  });
});
