/**
 * The media service over real UDP sockets on loopback: tone exchange (plain and SRTP),
 * symmetric-RTP latching, port-pool exhaustion, pacing, media timeout.
 */
import { afterEach, describe, expect, test } from "bun:test";
import type { udp } from "bun";
import type { MediaServiceOptions } from "../../src/media/media-service.ts";
import type { FrameSource, MediaService, MediaSession } from "../../src/media/types.ts";
import { createRtpView, decodeRtp, encodeRtp } from "../../src/rtp/rtp-packet.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { goertzel, tone } from "../support/tone.ts";
import { allocateSession, HOST, loopbackMediaService } from "./loopback-service.ts";

const services: MediaService[] = [];
const rawSockets: udp.Socket<"uint8array">[] = [];

function service(over: Partial<MediaServiceOptions> = {}): MediaService {
  const s = loopbackMediaService(over);
  services.push(s);
  return s;
}

function allocate(s: MediaService): Promise<MediaSession> {
  return allocateSession(s, "test");
}

/** A frame source playing a continuous tone. */
function toneSource(freq: number): FrameSource & { pulls: number } {
  const all = tone(freq, 8000, 8000, 8000);
  const src = {
    pulls: 0,
    pull(out: Int16Array): boolean {
      const off = (src.pulls * 160) % (8000 - 160);
      out.set(all.subarray(off, off + 160));
      src.pulls++;
      return true;
    },
  };
  return src;
}

function collect(session: MediaSession): Int16Array[] {
  const frames: Int16Array[] = [];
  session.setFrameSink((f) => frames.push(f.slice()));
  return frames;
}

function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => {
    out.set(f, i * 160);
  });
  return out;
}

async function rawSocket(onData: (d: Uint8Array, port: number) => void): Promise<udp.Socket<"uint8array">> {
  const s = await Bun.udpSocket({
    hostname: HOST,
    port: 0,
    binaryType: "uint8array",
    socket: { data: (_s, d, port) => onData(d, port) },
  });
  rawSockets.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond` holds, checking every 10 ms, for at most `ms`. */
async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!cond() && performance.now() < end) await sleep(10);
}

afterEach(() => {
  for (const s of services.splice(0)) s.close();
  for (const s of rawSockets.splice(0)) s.close();
});

describe("media sessions over loopback UDP", () => {
  for (const srtp of [false, true]) {
    test(`two sessions exchange tones in both directions${srtp ? " over SRTP" : ""}`, async () => {
      const svc = service();
      const a = await allocate(svc);
      const b = await allocate(svc);
      expect(a.localPort % 2).toBe(0);
      const keyA = {
        suite: "AES_CM_128_HMAC_SHA1_80" as const,
        masterKey: cryptoRandom.bytes(16),
        masterSalt: cryptoRandom.bytes(14),
      };
      const keyB = {
        suite: "AES_CM_128_HMAC_SHA1_80" as const,
        masterKey: cryptoRandom.bytes(16),
        masterSalt: cryptoRandom.bytes(14),
      };
      const atB = collect(b);
      const atA = collect(a);
      a.setFrameSource(toneSource(1000));
      b.setFrameSource(toneSource(600));
      a.start({
        codec: "pcmu",
        payloadType: 0,
        remote: { address: HOST, port: b.localPort },
        ...(srtp ? { crypto: { local: keyA, remote: keyB } } : {}),
      });
      b.start({
        codec: "pcmu",
        payloadType: 0,
        remote: { address: HOST, port: a.localPort },
        ...(srtp ? { crypto: { local: keyB, remote: keyA } } : {}),
      });
      await until(() => atB.length >= 25 && atA.length >= 25, 3000);
      expect(atB.length).toBeGreaterThanOrEqual(25);
      const fromA = concat(atB.slice(5));
      const fromB = concat(atA.slice(5));
      expect(goertzel(fromA, 1000, 8000)).toBeGreaterThan(5000);
      expect(goertzel(fromA, 600, 8000)).toBeLessThan(500);
      expect(goertzel(fromB, 600, 8000)).toBeGreaterThan(5000);
      expect(goertzel(fromB, 1000, 8000)).toBeLessThan(500);
      expect(a.stats().packetsDropped).toBe(0);
    });
  }

  test("latches RTP to the source of the first valid packet (RFC 4961)", async () => {
    const svc = service();
    const s = await allocate(svc);
    let decoyHits = 0;
    const decoy = await rawSocket(() => decoyHits++);
    const seenAtPeer: number[] = [];
    const view = createRtpView();
    const peer = await rawSocket((d) => {
      if (decodeRtp(d, d.length, view) === undefined) seenAtPeer.push(view.sequenceNumber);
    });
    s.start({ codec: "pcmu", payloadType: 0, remote: { address: HOST, port: decoy.port } });
    await until(() => decoyHits >= 3, 1000);
    expect(decoyHits).toBeGreaterThanOrEqual(3);
    const pkt = encodeRtp({
      payloadType: 0,
      sequenceNumber: 1,
      timestamp: 0,
      ssrc: 77,
      payload: new Uint8Array(160).fill(0xff),
    });
    peer.send(pkt, s.localPort, HOST);
    await until(() => seenAtPeer.length >= 3, 1000);
    const decoyAfter = decoyHits;
    await sleep(100);
    expect(seenAtPeer.length).toBeGreaterThanOrEqual(3);
    // Nothing more goes to the SDP address once latched.
    expect(decoyHits - decoyAfter).toBeLessThanOrEqual(1);
  });

  test("paces N frames in about N × 20 ms, sending silence when the source is empty", async () => {
    const svc = service();
    const s = await allocate(svc);
    const arrivals: number[] = [];
    const payloadFirstBytes: number[] = [];
    const view = createRtpView();
    const peer = await rawSocket((d) => {
      arrivals.push(performance.now());
      if (decodeRtp(d, d.length, view) === undefined) payloadFirstBytes.push(d[view.payloadOffset]!);
    });
    s.start({ codec: "pcmu", payloadType: 0, remote: { address: HOST, port: peer.port } });
    await until(() => arrivals.length >= 51, 3000);
    const elapsed = arrivals[50]! - arrivals[0]!;
    expect(elapsed).toBeGreaterThan(950);
    expect(elapsed).toBeLessThan(1080);
    // µ-law silence (0 → 0xff): continuous RTP with nothing to play.
    expect(payloadFirstBytes.slice(0, 10).every((b) => b === 0xff)).toBe(true);
  });

  test("reports ports_exhausted when the range has no free pair, and recovers on close", async () => {
    const base = 41000 + 2 * Math.floor(Math.random() * 4000);
    const svc = service({ ports: { min: base, max: base + 3 } });
    const a = await allocate(svc);
    const b = await allocate(svc);
    expect([a.localPort, b.localPort].sort()).toEqual([base, base + 2]);
    const third = await svc.allocate("third");
    expect(third.ok).toBe(false);
    if (!third.ok) expect(third.error.code).toBe("ports_exhausted");
    a.close();
    const again = await svc.allocate("again");
    expect(again.ok && again.value.localPort).toBe(a.localPort);
    expect(svc.activeSessions).toBe(2);
  });

  test("emits timeout after the configured silence, but not while on hold", async () => {
    const svc = service({ timeoutMs: 150 });
    const sink = await rawSocket(() => {});
    const live = await allocate(svc);
    const held = await allocate(svc);
    const fired: string[] = [];
    live.on("timeout", () => fired.push("live"));
    held.on("timeout", () => fired.push("held"));
    live.start({ codec: "pcmu", payloadType: 0, remote: { address: HOST, port: sink.port } });
    held.start({ codec: "pcmu", payloadType: 0, remote: { address: HOST, port: sink.port } });
    held.setDirection("sendonly");
    await sleep(400);
    expect(fired).toEqual(["live"]);
  });

  test("sends RFC 4733 events in the same RTP stream, audio suppressed meanwhile", async () => {
    const svc = service();
    const s = await allocate(svc);
    const got: { pt: number; seq: number; ts: number; ssrc: number; marker: boolean; e: number }[] = [];
    const view = createRtpView();
    const peer = await rawSocket((d) => {
      if (decodeRtp(d, d.length, view) === undefined) {
        got.push({
          pt: view.payloadType,
          seq: view.sequenceNumber,
          ts: view.timestamp,
          ssrc: view.ssrc,
          marker: view.marker,
          e: view.payloadType === 101 ? d[view.payloadOffset + 1]! >> 7 : -1,
        });
      }
    });
    s.start({
      codec: "pcmu",
      payloadType: 0,
      telephoneEventPayloadType: 101,
      remote: { address: HOST, port: peer.port },
    });
    await until(() => got.length >= 3, 1000);
    expect(s.sendDtmf("12")).toBe(true);
    await until(() => got.filter((g) => g.pt === 101).length >= 14, 2000);
    await until(() => got.length >= 3 + 20 + 2, 1000);
    const ev = got.filter((g) => g.pt === 101);
    // sip.md §9: per digit 5 packets over 100 ms, the end packet 3 times in all → 7 packets.
    expect(ev.length).toBe(14);
    // The marker bit opens each digit's event (RFC 4733 §2.5.1.3), on the first of its 7 packets.
    const digit = [true, false, false, false, false, false, false];
    expect(ev.map((e) => e.marker)).toEqual([...digit, ...digit]);
    expect(ev.map((e) => e.e)).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1]);
    // One timestamp per digit; one SSRC and unbroken sequence numbers across audio and events.
    expect(new Set(ev.slice(0, 7).map((e) => e.ts)).size).toBe(1);
    expect(ev[7]!.ts).not.toBe(ev[0]!.ts);
    expect(new Set(got.map((g) => g.ssrc)).size).toBe(1);
    for (let i = 1; i < got.length; i++) expect(got[i]!.seq).toBe((got[i - 1]!.seq + 1) & 0xffff);
  });

  test("a digit sent by one session is reported once by the other", async () => {
    const svc = service();
    const a = await allocate(svc);
    const b = await allocate(svc);
    const digits: string[] = [];
    b.on("dtmf", (e) => digits.push(e.digit));
    a.start({
      codec: "pcmu",
      payloadType: 0,
      telephoneEventPayloadType: 101,
      remote: { address: HOST, port: b.localPort },
    });
    b.start({
      codec: "pcmu",
      payloadType: 0,
      telephoneEventPayloadType: 101,
      remote: { address: HOST, port: a.localPort },
    });
    expect(a.sendDtmf("5#")).toBe(true);
    await until(() => digits.length >= 2, 2000);
    await sleep(100);
    expect(digits).toEqual(["5", "#"]);
    expect(a.sendDtmf("5x")).toBe(false);
  });

  test("sendDtmf is refused when telephone-event was not negotiated", async () => {
    const svc = service();
    const s = await allocate(svc);
    s.start({ codec: "pcmu", payloadType: 0, remote: { address: HOST, port: 9 } });
    expect(s.sendDtmf("1")).toBe(false);
  });

  test("update() after a re-INVITE moves RTP to the new address and codec payload type", async () => {
    const svc = service();
    const s = await allocate(svc);
    const view = createRtpView();
    const firstPts: number[] = [];
    const secondPts: number[] = [];
    const first = await rawSocket((d) => {
      if (decodeRtp(d, d.length, view) === undefined) firstPts.push(view.payloadType);
    });
    const second = await rawSocket((d) => {
      if (decodeRtp(d, d.length, view) === undefined) secondPts.push(view.payloadType);
    });
    s.start({ codec: "pcmu", payloadType: 0, remote: { address: HOST, port: first.port } });
    await until(() => firstPts.length >= 2, 1000);
    s.update({ codec: "pcmu", payloadType: 96, remote: { address: HOST, port: second.port } });
    await until(() => secondPts.length >= 2, 1000);
    expect(firstPts.every((pt) => pt === 0)).toBe(true);
    expect(secondPts.length).toBeGreaterThanOrEqual(2);
    expect(secondPts.every((pt) => pt === 96)).toBe(true);
  });

  test("keeps sending when the remote port is closed (ICMP port unreachable is not an error)", async () => {
    const svc = service();
    const s = await allocate(svc);
    const gone = await Bun.udpSocket({ hostname: HOST, port: 0 });
    const port = gone.port;
    gone.close();
    s.start({ codec: "pcmu", payloadType: 0, remote: { address: HOST, port } });
    await sleep(300);
    expect(s.stats().packetsSent).toBeGreaterThan(10);
  });
});
