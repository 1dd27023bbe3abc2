/**
 * The getting-started demo end to end (docs/getting-started.md, `make demo`): the gateway with
 * a trunk host allowing 127.0.0.1/32, examples/echo-app.ts as its app, and baresip dialling
 * `sip:echo@` with a 1 kHz tone. The caller must hear its own tone back, one second late.
 */
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type BaresipCodec, readWav, startBaresip } from "../support/baresip.ts";
import { REPO, startGatewayProcess, waitForHttp } from "../support/gateway.ts";
import { freePorts, makeTempDir, type PeerProcess, skipWithout, spawnPeer } from "../support/peers.ts";
import { goertzel } from "../support/tone.ts";

const AMPLITUDE = 16384;
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Start time (s) of the first 100 ms window whose 1 kHz level exceeds `threshold`. */
function onset(pcm: Int16Array, rate: number, threshold: number): number | undefined {
  const w = rate / 10;
  for (let i = 0; i + w <= pcm.length; i += w)
    if (goertzel(pcm.subarray(i, i + w), 1000, rate) > threshold) return i / rate;
  return undefined;
}

test.skipIf(skipWithout("baresip"))(
  "a softphone calling sip:echo@ through the gateway hears its own 1 kHz tone back about one second later",
  async () => {
    const [httpPort, sipPort, appPort, bsPort, ctrlPort, rtpBase] = await freePorts(6);
    const toml = `
[listen]
http = "127.0.0.1:${httpPort}"
[server]
listen = "127.0.0.1:${sipPort}"
[[server.peers]]
name = "softphone"
hosts = ["127.0.0.1/32"]
[webhook]
url = "http://127.0.0.1:${appPort}/events"
[auth]
api_key = "change-me"
`;
    const gw = await startGatewayProcess({ toml, httpPort: httpPort! });
    cleanups.push(() => gw.proc.stop());
    const app: PeerProcess = spawnPeer({
      name: "echo-app",
      cmd: [process.execPath, "run", join(REPO, "examples/echo-app.ts")],
      dir: makeTempDir("echo-demo"),
      env: { PORT: String(appPort), GATEWAY_URL: gw.httpUrl, API_KEY: "change-me" },
    });
    cleanups.push(() => app.stop());
    expect(await waitForHttp(`http://127.0.0.1:${appPort}/`, 5000)).toBeDefined();

    const codec: BaresipCodec = "pcmu";
    const bs = await startBaresip({
      dir: makeTempDir("echo-demo-bs"),
      sipPort: bsPort!,
      ctrlPort: ctrlPort!,
      rtpPorts: [rtpBase!, rtpBase! + 9],
      codecs: [codec],
      toneSeconds: 15,
    });
    try {
      expect((await bs.ctrl.command("dial", `sip:echo@127.0.0.1:${sipPort}`)).ok).toBe(true);
      await bs.ctrl.waitEvent("CALL_ESTABLISHED", 5000);
      await Bun.sleep(3000);
      await bs.ctrl.command("hangup");
      await bs.ctrl.waitEvent("CALL_CLOSED", 5000);
    } finally {
      await bs.stop();
    }
    const wav = readWav(bs.recording("dec")!);
    const heardAt = onset(wav.samples, wav.rate, AMPLITUDE / 2);
    expect(heardAt, app.log()).toBeDefined();
    expect(heardAt!).toBeGreaterThanOrEqual(0.9);
    expect(heardAt!).toBeLessThan(1.6);
    const echoed = wav.samples.subarray(
      Math.round((heardAt! + 0.2) * wav.rate),
      Math.round((heardAt! + 1.2) * wav.rate),
    );
    expect(goertzel(echoed, 1000, wav.rate)).toBeGreaterThan(AMPLITUDE * 0.84);
    expect(app.log()).toContain("call.answered");
  },
  20_000,
);
