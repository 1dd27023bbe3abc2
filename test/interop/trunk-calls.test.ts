/**
 * Calls through a registered trunk against real peers on loopback (spec/sip.md §2, §10;
 * webhooks.md §2; rest-api.md §3): the gateway's trunk system (src/gateway/trunk-system.ts)
 * registers `gateway` with kamailio 5.6 (digest, record-routing proxy), and baresip registers
 * `alice` on the same kamailio. baresip calls `gateway` → kamailio forwards to our Contact →
 * the call reaches the `/incoming` decision (a fake accepting port) with `trunk` set, and its
 * audio carries baresip's 1 kHz tone; then the gateway dials `alice` through the default trunk
 * → baresip auto-answers → ringing/answered events and its tone arrive; a second trunk with
 * `srtp: true` dials `bob` (baresip with `mediaenc=srtp-mand`) and gets SRTP audio. Skipped without
 * kamailio/kamcmd/baresip unless XBRIDGE_REQUIRE_PEERS=1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CallManager } from "../../src/call/call-manager.ts";
import type { CallStreamListener } from "../../src/call/call-stream-port.ts";
import type { CallEvent, IncomingCallRequest } from "../../src/call/events.ts";
import type { TrunkConfig } from "../../src/config/index.ts";
import { createTrunkSystem, type TrunkSystem } from "../../src/gateway/trunk-system.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { cryptoRandom } from "../../src/runtime/crypto-random.ts";
import { createSystemTimers, systemClock } from "../../src/runtime/system-clock.ts";
import { BaresipCtrl, writeBaresipConfig } from "../support/baresip.ts";
import {
  freePorts,
  makeTempDir,
  type PeerProcess,
  skipWithout,
  spawnPeer,
  waitForPort,
} from "../support/peers.ts";
import { until } from "../support/poll.ts";
import { goertzel } from "../support/tone.ts";
import { acceptingTrunkCalls } from "../support/trunk-calls.ts";
import { type Kamailio, startKamailio } from "./kamailio/kamailio.ts";

const skip = skipWithout("kamailio", "kamcmd", "baresip");
const TONE_HZ = 1000;

/** Collects the decoded 8 kHz frames of one call (the call's frame sink, as a WebSocket would). */
function frameCollector(): { listener: CallStreamListener; pcm(): Int16Array } {
  const frames: Int16Array[] = [];
  const noop = () => undefined;
  return {
    listener: {
      answered: noop,
      ended: noop,
      streamDisabled: noop,
      audio: (frame) => {
        if (frames.length < 500) frames.push(frame.slice());
      },
      dtmf: noop,
      remoteHold: noop,
      playActive: noop,
      muted: noop,
    },
    pcm() {
      const out = new Int16Array(frames.length * 160);
      for (const [i, f] of frames.entries()) out.set(f, i * 160);
      return out;
    },
  };
}

/** Strongest 1 kHz level over 200 ms windows, and the level at an unrelated 2.7 kHz. */
function toneLevels(pcm: Int16Array): { tone: number; other: number } {
  let tone = 0;
  let other = 0;
  for (let i = 0; i + 1600 <= pcm.length; i += 1600) {
    tone = Math.max(tone, goertzel(pcm.subarray(i, i + 1600), TONE_HZ, 8000));
    other = Math.max(other, goertzel(pcm.subarray(i, i + 1600), 2700, 8000));
  }
  return { tone, other };
}

describe.skipIf(skip)("calls through a registered trunk ⇄ kamailio ⇄ baresip", () => {
  let kamailio: Kamailio;
  let system: TrunkSystem;
  let manager: CallManager;
  let baresip: PeerProcess;
  let ctrl: BaresipCtrl;
  let kport = 0;
  const events: CallEvent[] = [];
  const decisions: IncomingCallRequest[] = [];
  const timers = createSystemTimers();

  beforeAll(async () => {
    const [kp, sipPort, ctrlPort, rtpBase] = await freePorts(4);
    kport = kp!;
    kamailio = await startKamailio(kport);
    const trunk: TrunkConfig = {
      name: "default",
      username: "gateway",
      password: "gatewaypw",
      host: "127.0.0.1",
      port: kport,
      transport: "udp",
      rtpPorts: { min: 0, max: 0 },
      srtp: false,
    };
    const secure: TrunkConfig = {
      ...trunk,
      name: "secure",
      username: "1000",
      password: "secret1000",
      srtp: true,
    };
    const built = await createTrunkSystem([trunk, secure], {
      clock: systemClock,
      timers,
      random: cryptoRandom,
      logger: nullLogger,
      bindAddress: "127.0.0.1",
    });
    if (!built.ok || built.value === undefined) throw new Error(built.ok ? "no trunk system" : built.error);
    system = built.value;
    manager = acceptingTrunkCalls(system, timers, decisions, events);

    // baresip as `alice`, registered on the same kamailio (AOR domain:port names the registrar).
    const dir = makeTempDir("baresip-trunk");
    const options = {
      dir,
      user: "alice",
      sipPort: sipPort!,
      rtpPorts: [rtpBase!, rtpBase! + 9] as [number, number],
      ctrlPort: ctrlPort!,
      codecs: ["pcmu" as const],
      answer: "auto" as const,
      toneHz: TONE_HZ,
    };
    writeBaresipConfig(options);
    writeFileSync(
      join(dir, "accounts"),
      [
        `<sip:alice@127.0.0.1:${kport}>;auth_pass=alicepw;regint=60;answermode=auto;audio_codecs=PCMU/8000/1;ptime=20`,
        // sip.md §10: bob takes SDES-SRTP only (RTP/SAVP, RFC 4568).
        `<sip:bob@127.0.0.1:${kport}>;auth_pass=bobpw;regint=60;answermode=auto;audio_codecs=PCMU/8000/1;ptime=20;mediaenc=srtp-mand`,
        "",
      ].join("\n"),
    );
    appendFileSync(join(dir, "config"), "module srtp.so\n");
    baresip = spawnPeer({ name: "baresip", cmd: ["baresip", "-f", dir], dir });
    if (!(await waitForPort("tcp", ctrlPort!, "127.0.0.1", 5000))) throw new Error(baresip.log());
    ctrl = await BaresipCtrl.connect(ctrlPort!);
    const registered = await until(async () => {
      const dump = await kamailio.ulDump();
      const trunksUp =
        system.registrations.isRegistered("default") && system.registrations.isRegistered("secure");
      return trunksUp && dump.includes("alice") && dump.includes("bob");
    }, 10_000);
    if (!registered) throw new Error(`registrations did not complete:\n${await kamailio.ulDump()}`);
  }, 30_000);

  afterAll(async () => {
    manager?.shutdown();
    ctrl?.close();
    await baresip?.stop();
    await system?.unregister(1000);
    await system?.close();
    await kamailio?.stop();
  });

  test("the trunk registers its Contact with kamailio (health shows it registered)", async () => {
    expect(system.registrations.states()).toMatchObject([
      { name: "default", registered: true },
      { name: "secure", registered: true },
    ]);
    const dump = await kamailio.ulDump();
    expect(dump).toContain(system.registrations.state("default")?.contact ?? "none");
  });

  test("a call from baresip to the registered user reaches /incoming with `trunk` and carries baresip's tone", async () => {
    const before = decisions.length;
    const dialed = await ctrl.command("dial", `sip:gateway@127.0.0.1:${kport}`);
    expect(dialed.ok).toBe(true);
    expect(await until(() => manager.list().some((c) => c.status === "in_progress"), 10_000)).toBe(true);
    expect(decisions.slice(before)).toMatchObject([{ from: "alice", to: "gateway", trunk: "default" }]);
    expect(decisions[before]?.peer).toBeUndefined();
    const call = manager.list().find((c) => c.status === "in_progress");
    expect(call).toMatchObject({ direction: "inbound", trunk: "default" });
    const collector = frameCollector();
    const unsubscribe = manager.streamPort(call!.callId)?.subscribe(collector.listener);
    await Bun.sleep(1500);
    unsubscribe?.();
    const levels = toneLevels(collector.pcm());
    expect(levels.tone).toBeGreaterThan(2000);
    expect(levels.tone).toBeGreaterThan(20 * levels.other);
    // Our BYE goes back through kamailio's record-route to baresip.
    expect(manager.hangup(call!.callId).ok).toBe(true);
    await ctrl.waitEvent("CALL_CLOSED", 5000);
    const ended = events.find((e) => e.type === "call.ended" && e.callId === call!.callId);
    expect(ended).toMatchObject({ reason: "local" });
  }, 30_000);

  test("POST /v1/calls without `trunk` dials alice through the default trunk; baresip answers and its tone arrives", async () => {
    const created = await manager.create({ to: "alice", from: "+15550001" });
    if (!created.ok) throw created.error;
    const id = created.value.callId;
    expect(created.value).toMatchObject({ trunk: "default", direction: "outbound" });
    expect(await until(() => manager.get(id)?.status === "in_progress", 10_000)).toBe(true);
    const incoming = await ctrl.waitEvent("CALL_INCOMING", 1000).catch(() => undefined);
    // From user = the `from` of the request (sip.md §2), as baresip shows the caller.
    expect(JSON.stringify(incoming ?? ctrl.messages)).toContain("+15550001");
    const collector = frameCollector();
    const unsubscribe = manager.streamPort(id)?.subscribe(collector.listener);
    await Bun.sleep(1500);
    unsubscribe?.();
    const levels = toneLevels(collector.pcm());
    expect(levels.tone).toBeGreaterThan(2000);
    expect(levels.tone).toBeGreaterThan(20 * levels.other);
    expect(manager.hangup(id).ok).toBe(true);
    const types = events.filter((e) => e.callId === id).map((e) => e.type);
    expect(types).toEqual(["call.ringing", "call.answered", "call.ended"]);
  }, 30_000);

  test("an srtp: true trunk dials bob with RTP/SAVP; bob answers with SRTP and its tone is decrypted", async () => {
    const created = await manager.create({ to: "bob", from: "+15550002", trunk: "secure" });
    if (!created.ok) throw created.error;
    const id = created.value.callId;
    expect(await until(() => manager.get(id)?.status === "in_progress", 10_000)).toBe(true);
    const collector = frameCollector();
    const unsubscribe = manager.streamPort(id)?.subscribe(collector.listener);
    await Bun.sleep(1500);
    unsubscribe?.();
    const levels = toneLevels(collector.pcm());
    expect(levels.tone).toBeGreaterThan(2000);
    expect(levels.tone).toBeGreaterThan(20 * levels.other);
    expect(manager.hangup(id).ok).toBe(true);
  }, 30_000);

  test("a call to a user kamailio does not know ends `failed` with 404", async () => {
    const created = await manager.create({ to: "nobody", from: "+15550001" });
    if (!created.ok) throw created.error;
    const id = created.value.callId;
    expect(await until(() => events.some((e) => e.type === "call.ended" && e.callId === id), 10_000)).toBe(
      true,
    );
    expect(events.find((e) => e.type === "call.ended" && e.callId === id)).toMatchObject({
      reason: "failed",
      sipCode: 404,
    });
  }, 20_000);
});
