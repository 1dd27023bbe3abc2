/**
 * Dialling a trunk-host peer (spec/rest-api.md POST /v1/calls, sip.md §4): a real sipp UAS
 * answers, the app gets call.ringing and call.answered, the WebSocket carries the callee's tone,
 * DELETE sends BYE; a callee that only rings is CANCELled at the ring timeout (no_answer).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { freePorts, makeTempDir, skipWithout, waitExit, waitForPort } from "../support/peers.ts";
import {
  makeToneFile,
  rtpKeys,
  SIPP_SCENARIOS,
  sippMediaPort,
  sippMessages,
  startSipp,
} from "../support/sipp-media.ts";
import { goertzel, rms } from "../support/tone.ts";
import { CallSocket } from "../support/ws-client.ts";

const skip = skipWithout("sipp", "sox");

describe.skipIf(skip)("outbound calls to a trunk-host peer", () => {
  let rig: CallRig;
  let uasPort: number;
  beforeAll(async () => {
    [uasPort] = (await freePorts(1)) as [number];
    rig = await startCallRig({ peers: [{ name: "callee", host: "127.0.0.1", port: uasPort }] });
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  async function startUas(scenario: string, dir: string) {
    const mediaPort = await sippMediaPort();
    const [ctrlPort] = await freePorts(1, [mediaPort, mediaPort + 2]);
    const tone = makeToneFile(join(dir, "tone440.ulaw"), "pcmu", 440, 10);
    const uas = startSipp({
      dir,
      target: { host: "127.0.0.1", port: rig.sipPort },
      scenario: join(SIPP_SCENARIOS, scenario),
      sipPort: uasPort,
      mediaPort,
      ctrlPort: ctrlPort!,
      keys: rtpKeys("pcmu", tone),
      timeoutS: 20,
      name: "sipp-uas",
    });
    // The gateway dials as soon as the API answers: sipp must be listening first.
    if (!(await waitForPort("udp", uasPort))) {
      await uas.stop();
      throw new Error(`sipp UAS did not bind ${uasPort}:\n${uas.log()}`);
    }
    return uas;
  }

  test("201 with ws_url, ringing then answered, the callee's 440 Hz on the socket, DELETE → BYE and call.ended(local)", async () => {
    const dir = makeTempDir("calls-outbound");
    const uas = await startUas("uas_rtp.xml", dir);
    const res = await rig.api("/v1/calls", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ to: "bob", from: "+15550001", peer: "callee" }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { call_id: string; status: string; ws_url: string };
    expect(created.status).toBe("dialing");
    expect(created.call_id).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created.ws_url).toBe(`ws://${new URL(rig.httpUrl).host}/ws/${created.call_id}`);

    const ws = await CallSocket.connect({
      baseUrl: rig.httpUrl,
      callId: created.call_id,
      apiKey: rig.apiKey,
    });
    await rig.app.waitForEvent((e) => e.call_id === created.call_id && e.event === "call.answered", 5000);
    await ws.waitFor("start", 5000);
    await ws.waitForAudio(75, 5000);
    const pcm = ws.pcm(25); // skip the jitter-buffer fill
    expect(goertzel(pcm, 440, 8000)).toBeGreaterThan(0.5 * rms(pcm));

    const call = (await (await rig.api(`/v1/calls/${created.call_id}`)).json()) as Record<string, unknown>;
    expect(call).toMatchObject({ direction: "outbound", status: "in_progress", peer: "callee", to: "bob" });

    expect((await rig.api(`/v1/calls/${created.call_id}`, { method: "DELETE" })).status).toBe(204);
    expect(await waitExit(uas, 10_000), sippMessages(dir)).toBe(0); // the UAS got our BYE
    const ended = await rig.app.waitForEvent(
      (e) => e.call_id === created.call_id && e.event === "call.ended",
      5000,
    );
    expect(ended.reason).toBe("local");
    const types = rig.app.eventsOf(created.call_id).map((e) => e.event);
    expect(types).toEqual(["call.ringing", "call.answered", "call.ended"]);
    // The INVITE carried the caller ID in From.
    expect(sippMessages(dir)).toContain("From: <sip:+15550001@");
    ws.close();
  }, 30_000);

  test("a callee that only rings is CANCELled at the ring timeout and the call ends no_answer", async () => {
    const dir = makeTempDir("calls-outbound-ring");
    const uas = await startUas("uas_ring_cancel.xml", dir);
    const res = await rig.api("/v1/calls", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ to: "carol", from: "alice", peer: "callee", timeout: 2 }),
    });
    expect(res.status).toBe(201);
    const { call_id } = (await res.json()) as { call_id: string };
    const ended = await rig.app.waitForEvent((e) => e.call_id === call_id && e.event === "call.ended", 8000);
    expect(ended.reason).toBe("no_answer");
    expect(await waitExit(uas, 10_000), sippMessages(dir)).toBe(0); // CANCEL, 487, ACK all seen
    expect((await rig.api(`/v1/calls/${call_id}`)).status).toBe(404);
  }, 30_000);
});
