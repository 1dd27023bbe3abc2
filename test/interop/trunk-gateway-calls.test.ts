/**
 * Outbound calls through registered trunks in the real gateway process (spec/sip.md §2, §10;
 * rest-api.md POST /v1/calls `trunk`, DELETE, /health `trunks`, xbridge_trunk_registered;
 * websocket.md): the gateway registers three trunks on two kamailio registrars, and one
 * baresip registers `alice` (plain RTP) and `bob` (mediaenc=srtp-mand) on the first.
 * - `POST /v1/calls` with `trunk: "office"` (and with no `trunk`: the first trunk in config
 *   order) dials alice through kamailio; baresip auto-answers; the app gets call.ringing and
 *   call.answered; the call's WebSocket carries alice's 1 kHz tone; the 440 Hz the test sends
 *   on the socket is in alice's recording; DELETE → BYE and call.ended(local).
 * - The `srtp = true` trunk dials bob (RTP/SAVP, RFC 4568 SDES) and the tone arrives decrypted.
 * - The second registrar grants only 10 s (kamailio `--modparam=registrar:max_expires`), so
 *   the gateway refreshes every 5 s (sip.md §2: 50 % of the granted lifetime); once that
 *   kamailio is stopped /health shows the trunk unregistered, POST /v1/calls on it is 503
 *   `unavailable` while the other trunks stay registered, and after a restart with the same
 *   dir the retry loop (1 s, 2 s, 4 s …) re-registers it by itself.
 * Skipped without kamailio/kamcmd/baresip unless XBRIDGE_REQUIRE_PEERS=1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeApp, startFakeApp } from "../support/app-server.ts";
import { BaresipCtrl, readWav, writeBaresipConfig } from "../support/baresip.ts";
import { type RunningGateway, startGatewayProcess } from "../support/gateway.ts";
import {
  freePorts,
  makeTempDir,
  type PeerProcess,
  skipWithout,
  spawnPeer,
  waitForPort,
} from "../support/peers.ts";
import { untilValue } from "../support/poll.ts";
import { peakLevel, tone } from "../support/tone.ts";
import { CallSocket } from "../support/ws-client.ts";
import { type Kamailio, startKamailio } from "./kamailio/kamailio.ts";

const skip = skipWithout("kamailio", "kamcmd", "baresip");
const TONE_HZ = 1000;
const APP_HZ = 440;
const AMPLITUDE = 16384;
const API_KEY = "trunk-calls-key";
/** Lifetime the second registrar grants (kamailio's registrar `min_expires` is 10). */
const SHORT_EXPIRES = 10;

interface Health {
  status: string;
  sip_trunks: number;
  trunks: Array<{ name: string; registered: boolean }>;
}

/**
 * kamailio with (a copy of) this project's kamailio.cfg, but a registrar that grants at most
 * `maxExpires` seconds, so the gateway's refresh (and so its failure detection) comes every
 * maxExpires/2 s. Only the `1001` subscriber is needed here; a later `startKamailio(port, dir)`
 * rewrites the full tables in the same dir.
 */
async function startShortLivedKamailio(port: number, dir: string, maxExpires: number): Promise<PeerProcess> {
  const db = join(dir, "db");
  mkdirSync(db, { recursive: true });
  mkdirSync(join(dir, "run"), { recursive: true });
  writeFileSync(
    join(db, "version"),
    "id(int,auto) table_name(string) table_version(int) \n1:subscriber:7\n2:location:9\n",
  );
  writeFileSync(
    join(db, "subscriber"),
    "id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null) \n1:1001:127.0.0.1:secret1001::\n",
  );
  // `--modparam` on the command line is applied before the cfg loads registrar.so: patch a copy.
  const stock = readFileSync(join(import.meta.dir, "kamailio", "kamailio.cfg"), "utf8");
  const setting = 'modparam("registrar", "max_expires", 3600)';
  if (!stock.includes(setting)) throw new Error(`kamailio.cfg no longer has ${setting}`);
  const cfg = join(dir, "kamailio-short.cfg");
  writeFileSync(cfg, stock.replace(setting, `modparam("registrar", "max_expires", ${maxExpires})`));
  const proc = spawnPeer({
    name: "kamailio",
    dir,
    cmd: [
      "kamailio",
      "-f",
      cfg,
      "-DD",
      "-E",
      "-m",
      "64",
      "-M",
      "8",
      "-l",
      `udp:127.0.0.1:${port}`,
      "-l",
      `tcp:127.0.0.1:${port}`,
      "-Y",
      join(dir, "run"),
      "-w",
      dir,
      "-a",
      "no",
      "-A",
      `DBURL="text://${db}"`,
      "-A",
      `CTLSOCK="unix:${join(dir, "kamailio_ctl")}"`,
    ],
  });
  if (!(await waitForPort("tcp", port, "127.0.0.1", 10_000))) {
    await proc.stop();
    throw new Error(`kamailio did not listen on ${port}:\n${proc.log()}`);
  }
  return proc;
}

describe.skipIf(skip)(
  "REST calls through registered trunks in the gateway process ⇄ kamailio ⇄ baresip",
  () => {
    let kam: Kamailio;
    let flakyPort = 0;
    let flakyDir = "";
    let flaky: PeerProcess | undefined;
    let flakyRestarted: Kamailio | undefined;
    let app: FakeApp;
    let gw: RunningGateway;
    let baresip: PeerProcess;
    let ctrl: BaresipCtrl;
    let recDir = "";

    const api = (path: string, init: RequestInit = {}): Promise<Response> =>
      fetch(`${gw.httpUrl}${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${API_KEY}`,
          "Content-Type": "application/json",
          ...(init.headers ?? {}),
        },
      });
    const health = async (): Promise<Health> =>
      (await (await fetch(`${gw.httpUrl}/health`)).json()) as Health;
    const registered = (h: Health, name: string): boolean | undefined =>
      h.trunks.find((t) => t.name === name)?.registered;
    const metrics = async (): Promise<string> => (await fetch(`${gw.httpUrl}/metrics`)).text();

    /** The newest received-audio recording baresip finished after `since` (ms since epoch). */
    function recordingSince(since: number): string | undefined {
      const files = readdirSync(recDir)
        .filter((f) => f.endsWith("-dec.wav"))
        .map((f) => ({ path: join(recDir, f), mtime: statSync(join(recDir, f)).mtimeMs }))
        .filter((f) => f.mtime >= since)
        .sort((a, b) => a.mtime - b.mtime);
      return files.at(-1)?.path;
    }

    beforeAll(async () => {
      const [kamPort, kam2Port, httpPort, sipPort, ctrlPort, rtpBase] = (await freePorts(6)) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      kam = await startKamailio(kamPort);
      flakyPort = kam2Port;
      flakyDir = makeTempDir("kamailio-flaky");
      flaky = await startShortLivedKamailio(flakyPort, flakyDir, SHORT_EXPIRES);
      app = startFakeApp({ decide: () => ({ kind: "accept", stream: true }) });
      gw = await startGatewayProcess({
        httpPort,
        toml: `
[listen]
http = "127.0.0.1:${httpPort}"

[[trunks]]
name = "office"
username = "gateway"
password = "gatewaypw"
host = "127.0.0.1:${kamPort}"

[[trunks]]
name = "secure"
username = "1000"
password = "secret1000"
host = "127.0.0.1:${kamPort}"
srtp = true

[[trunks]]
name = "flaky"
username = "1001"
password = "secret1001"
host = "127.0.0.1:${flakyPort}"
transport = "tcp"

[webhook]
url = "${app.webhookUrl}"

[auth]
api_key = "${API_KEY}"
`,
      });

      // baresip as `alice` and `bob` on the first kamailio (AOR domain:port names the registrar).
      const dir = makeTempDir("baresip-trunk-gw");
      recDir = join(dir, "rec");
      writeBaresipConfig({
        dir,
        user: "alice",
        sipPort,
        rtpPorts: [rtpBase, rtpBase + 9],
        ctrlPort,
        codecs: ["pcmu"],
        answer: "auto",
        toneHz: TONE_HZ,
      });
      writeFileSync(
        join(dir, "accounts"),
        [
          `<sip:alice@127.0.0.1:${kamPort}>;auth_pass=alicepw;regint=60;answermode=auto;audio_codecs=PCMU/8000/1;ptime=20`,
          // sip.md §10: bob takes SDES-SRTP only (RTP/SAVP, RFC 4568).
          `<sip:bob@127.0.0.1:${kamPort}>;auth_pass=bobpw;regint=60;answermode=auto;audio_codecs=PCMU/8000/1;ptime=20;mediaenc=srtp-mand`,
          "",
        ].join("\n"),
      );
      appendFileSync(join(dir, "config"), "module srtp.so\n");
      baresip = spawnPeer({ name: "baresip", cmd: ["baresip", "-f", dir], dir });
      if (!(await waitForPort("tcp", ctrlPort, "127.0.0.1", 5000))) throw new Error(baresip.log());
      ctrl = await BaresipCtrl.connect(ctrlPort);

      const h = await untilValue(health, (v) => v.trunks.every((t) => t.registered), 10_000);
      const dump = await untilValue(
        () => kam.ulDump(),
        (d) => d.includes("alice") && d.includes("bob"),
        10_000,
      );
      if (!h.trunks.every((t) => t.registered) || !dump.includes("alice") || !dump.includes("bob"))
        throw new Error(
          `registrations did not complete: ${JSON.stringify(h)}\n${dump}\n${gw.proc.log().slice(-3000)}`,
        );
    }, 40_000);

    afterAll(async () => {
      ctrl?.close();
      await baresip?.stop();
      await gw?.proc.stop();
      await app?.stop();
      await flaky?.stop(5000);
      await flakyRestarted?.stop();
      await kam?.stop();
    });

    /** POST /v1/calls, expecting 201; returns the call id. */
    async function dial(body: Record<string, string>): Promise<string> {
      const res = await api("/v1/calls", { method: "POST", body: JSON.stringify(body) });
      const text = await res.text();
      expect(res.status, text).toBe(201);
      const created = JSON.parse(text) as { call_id: string; status: string };
      expect(created.status).toBe("dialing");
      return created.call_id;
    }

    /**
     * Dials alice (with `trunk` when given), checks ringing/answered, alice's tone on the socket
     * and the app's 440 Hz in alice's recording, then hangs up with DELETE.
     */
    async function callAliceBothWays(trunk: string | undefined, expectTrunk: string): Promise<void> {
      const startedAt = Date.now();
      const body: Record<string, string> = { to: "alice", from: "+15550001" };
      if (trunk !== undefined) body.trunk = trunk;
      const incomingBefore = ctrl.messages.filter((m) => m.event && m.type === "CALL_INCOMING").length;
      const callId = await dial(body);
      const ws = await CallSocket.connect({ baseUrl: gw.httpUrl, callId, apiKey: API_KEY });
      try {
        await app.waitForEvent(
          (e) => e.call_id === callId && e.event === "call.answered",
          10_000,
          "answered",
        );
        // sip.md §2: the From user is the request's `from`, as alice's phone shows the caller.
        const incoming = ctrl.messages.filter((m) => m.event && m.type === "CALL_INCOMING")[incomingBefore];
        expect(JSON.stringify(incoming ?? ctrl.messages)).toContain("sip:+15550001@");
        const call = (await (await api(`/v1/calls/${callId}`)).json()) as Record<string, unknown>;
        expect(call).toMatchObject({ direction: "outbound", status: "in_progress", trunk: expectTrunk });
        await ws.waitFor("start", 5000);
        ws.sendAudio(tone(APP_HZ, 8000, 16_000, AMPLITUDE));
        await ws.waitForAudio(75, 5000);
        // Skip the first half second (jitter buffer fill, codec start-up).
        const heard = ws.pcm(25);
        expect(peakLevel(heard, TONE_HZ, 8000)).toBeGreaterThan(AMPLITUDE * 0.7);
        expect(peakLevel(heard, TONE_HZ, 8000)).toBeGreaterThan(20 * peakLevel(heard, 2700, 8000));
        // Let the 2 s of 440 Hz play out to alice before hanging up.
        await Bun.sleep(2200);
        const closedBefore = ctrl.messages.filter((m) => m.event && m.type === "CALL_CLOSED").length;
        const del = await api(`/v1/calls/${callId}`, { method: "DELETE" });
        expect(del.status).toBe(204);
        const ended = await app.waitForEvent(
          (e) => e.call_id === callId && e.event === "call.ended",
          5000,
          "call.ended",
        );
        expect(ended.reason).toBe("local");
        await ws.waitFor("stop", 5000);
        const closed = await untilValue(
          async () => ctrl.messages.filter((m) => m.event && m.type === "CALL_CLOSED").length,
          (n) => n > closedBefore,
          5000,
        );
        expect(closed).toBeGreaterThan(closedBefore);
      } finally {
        ws.close();
      }
      expect(app.eventsOf(callId).map((e) => e.event)).toEqual([
        "call.ringing",
        "call.answered",
        "call.ended",
      ]);
      const rec = recordingSince(startedAt);
      expect(rec, `no recording in ${recDir}`).toBeDefined();
      const wav = readWav(rec!);
      expect(peakLevel(wav.samples, APP_HZ, wav.rate)).toBeGreaterThan(AMPLITUDE * 0.7);
    }

    test("POST /v1/calls with trunk office dials alice via kamailio: ringing, answered, her 1 kHz on the socket, our 440 Hz in her recording, DELETE ends it (local)", async () => {
      await callAliceBothWays("office", "office");
    }, 30_000);

    test("POST /v1/calls without trunk uses the first configured trunk (no trunk is named default)", async () => {
      await callAliceBothWays(undefined, "office");
    }, 30_000);

    test("the srtp = true trunk dials bob (srtp-mand): the call connects and bob's tone arrives decrypted on the socket", async () => {
      const callId = await dial({ to: "bob", from: "+15550002", trunk: "secure" });
      const ws = await CallSocket.connect({ baseUrl: gw.httpUrl, callId, apiKey: API_KEY });
      try {
        await app.waitForEvent(
          (e) => e.call_id === callId && e.event === "call.answered",
          10_000,
          "answered",
        );
        await ws.waitFor("start", 5000);
        await ws.waitForAudio(75, 5000);
        const heard = ws.pcm(25);
        expect(peakLevel(heard, TONE_HZ, 8000)).toBeGreaterThan(AMPLITUDE * 0.7);
        expect(peakLevel(heard, TONE_HZ, 8000)).toBeGreaterThan(20 * peakLevel(heard, 2700, 8000));
        expect((await api(`/v1/calls/${callId}`, { method: "DELETE" })).status).toBe(204);
        const ended = await app.waitForEvent(
          (e) => e.call_id === callId && e.event === "call.ended",
          5000,
          "call.ended",
        );
        expect(ended.reason).toBe("local");
      } finally {
        ws.close();
      }
    }, 30_000);

    test("a stopped registrar leaves its trunk unregistered and its calls 503 unavailable; after a restart the trunk re-registers by itself", async () => {
      expect(registered(await health(), "flaky")).toBe(true);
      expect(await metrics()).toContain('xbridge_trunk_registered{trunk="flaky"} 1');
      await flaky?.stop(5000);
      flaky = undefined;
      // The next refresh is due within SHORT_EXPIRES / 2 s; over TCP it fails at connect.
      const down = await untilValue(
        health,
        (h) => registered(h, "flaky") === false,
        (SHORT_EXPIRES / 2 + 3) * 1000,
      );
      expect(registered(down, "flaky"), gw.proc.log().slice(-3000)).toBe(false);
      expect(registered(down, "office")).toBe(true);
      expect(down.status).toBe("ok");
      expect(await metrics()).toContain('xbridge_trunk_registered{trunk="flaky"} 0');
      const res = await api("/v1/calls", {
        method: "POST",
        body: JSON.stringify({ to: "1000", from: "+15550003", trunk: "flaky" }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toBe("unavailable");

      flakyRestarted = await startKamailio(flakyPort, flakyDir);
      const up = await untilValue(health, (h) => registered(h, "flaky") === true, 12_000);
      expect(registered(up, "flaky"), gw.proc.log().slice(-3000)).toBe(true);
      expect(await metrics()).toContain('xbridge_trunk_registered{trunk="flaky"} 1');
      expect(await flakyRestarted.ulDump()).toContain("1001");
    }, 25_000);
  },
);
