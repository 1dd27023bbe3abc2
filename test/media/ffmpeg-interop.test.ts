/**
 * Interop with libavformat's RTP/SRTP (ffmpeg, see ../shared/peers/README.md): ffmpeg sends
 * a 1 kHz PCMU tone as RTP and as SRTP (AES_CM_128_HMAC_SHA1_80, RFC 4568 inline key) to a
 * media session, and receives our SRTP stream from an SDP file. Skips without ffmpeg unless
 * XBRIDGE_REQUIRE_PEERS=1.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MediaService, MediaSession } from "../../src/media/types.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { generateKeyMaterial, serializeCryptoAttribute } from "../../src/srtp/sdes.ts";
import {
  freePorts,
  makeTempDir,
  type PeerProcess,
  skipWithout,
  spawnPeer,
  waitExit,
} from "../support/peers.ts";
import { goertzel, tone } from "../support/tone.ts";
import { allocateSession, HOST, loopbackMediaService } from "./loopback-service.ts";

const skip = skipWithout("ffmpeg");
const services: MediaService[] = [];
const peers: PeerProcess[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) await p.stop();
  for (const s of services.splice(0)) s.close();
});

async function session(): Promise<MediaSession> {
  const svc = loopbackMediaService();
  services.push(svc);
  return allocateSession(svc, "ffmpeg");
}

function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => {
    out.set(f, i * 160);
  });
  return out;
}

describe("RTP/SRTP interop with ffmpeg", () => {
  for (const srtp of [false, true]) {
    test.skipIf(skip)(`decodes the 1 kHz tone ffmpeg sends over ${srtp ? "SRTP" : "RTP"}`, async () => {
      const s = await session();
      const theirs = generateKeyMaterial(cryptoRandom, "AES_CM_128_HMAC_SHA1_80");
      const ours = generateKeyMaterial(cryptoRandom, "AES_CM_128_HMAC_SHA1_80");
      const frames: Int16Array[] = [];
      s.setFrameSink((f) => frames.push(f.slice()));
      // ffmpeg does not listen; our packets go to the discard port.
      s.start({
        codec: "pcmu",
        payloadType: 0,
        remote: { address: HOST, port: 9 },
        ...(srtp ? { crypto: { local: ours, remote: theirs } } : {}),
      });
      const inline = serializeCryptoAttribute(1, theirs).split("inline:")[1]!;
      const dir = makeTempDir("ff-tx");
      const out = srtp
        ? [
            "-srtp_out_suite",
            "AES_CM_128_HMAC_SHA1_80",
            "-srtp_out_params",
            inline,
            `srtp://${HOST}:${s.localPort}`,
          ]
        : [`rtp://${HOST}:${s.localPort}`];
      const ff = spawnPeer({
        name: "ffmpeg",
        dir,
        cmd: [
          "ffmpeg",
          "-hide_banner",
          "-nostdin",
          "-re",
          "-f",
          "lavfi",
          "-i",
          "sine=frequency=1000:sample_rate=8000",
          "-t",
          "1.5",
          "-ac",
          "1",
          "-c:a",
          "pcm_mulaw",
          "-f",
          "rtp",
          ...out,
        ],
      });
      peers.push(ff);
      expect(await waitExit(ff, 10_000)).toBe(0);
      await Bun.sleep(200);
      expect(frames.length).toBeGreaterThan(50);
      const audio = concat(frames.slice(5));
      // lavfi's sine is at 1/8 full scale (≈ 4096).
      expect(goertzel(audio, 1000, 8000)).toBeGreaterThan(2000);
      expect(goertzel(audio, 600, 8000)).toBeLessThan(200);
      expect(s.stats().packetsDropped).toBe(0);
    });
  }

  test.skipIf(skip)("ffmpeg decodes our SRTP stream described by an SDP with a=crypto", async () => {
    const s = await session();
    const [ffPort] = await freePorts(1);
    const port = ffPort! - (ffPort! % 2);
    const ours = generateKeyMaterial(cryptoRandom, "AES_CM_128_HMAC_SHA1_80");
    const dir = makeTempDir("ff-rx");
    const sdp = [
      "v=0",
      `o=- 0 0 IN IP4 ${HOST}`,
      "s=xbridge",
      `c=IN IP4 ${HOST}`,
      "t=0 0",
      `m=audio ${port} RTP/SAVP 0`,
      "a=rtpmap:0 PCMU/8000",
      `a=crypto:${serializeCryptoAttribute(1, ours)}`,
      "",
    ].join("\r\n");
    writeFileSync(join(dir, "in.sdp"), sdp);
    const rawPath = join(dir, "out.raw");
    const ff = spawnPeer({
      name: "ffmpeg",
      dir,
      cmd: [
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-protocol_whitelist",
        "file,udp,rtp,srtp",
        "-i",
        "in.sdp",
        "-t",
        "1",
        "-f",
        "s16le",
        "-ar",
        "8000",
        "-ac",
        "1",
        "-y",
        rawPath,
      ],
    });
    peers.push(ff);
    await Bun.sleep(500);
    const all = tone(1000, 8000, 8000, 8000);
    let pulls = 0;
    s.setFrameSource({
      pull(out) {
        const off = (pulls++ * 160) % (8000 - 160);
        out.set(all.subarray(off, off + 160));
        return true;
      },
    });
    const theirs = generateKeyMaterial(cryptoRandom, "AES_CM_128_HMAC_SHA1_80");
    s.start({
      codec: "pcmu",
      payloadType: 0,
      remote: { address: HOST, port },
      crypto: { local: ours, remote: theirs },
    });
    const code = await waitExit(ff, 10_000);
    expect(code, ff.log()).toBe(0);
    const bytes = readFileSync(rawPath);
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
    expect(pcm.length).toBeGreaterThan(4000);
    expect(goertzel(pcm.subarray(800), 1000, 8000)).toBeGreaterThan(5000);
  });
});
