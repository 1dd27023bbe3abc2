/**
 * The call-control routes (spec/rest-api.md §1.4–§1.5, §3) over app.request() against a real
 * CallManager on fake SIP/media ports and a manual clock: every status of hold, resume,
 * transfer, dtmf, mute, unmute, play and play/stop, with the §1.4 error body.
 */
import { describe, expect, test } from "bun:test";
import { createApiApp } from "../../src/api/create-api-app.ts";
import { ApiError } from "../../src/api/errors.ts";
import { buildHealthReport } from "../../src/api/health.ts";
import {
  callControlRoutes,
  type PlayAudioLoader,
  type PlaySource,
} from "../../src/api/routes/call-control.ts";
import { nullLogger } from "../../src/lib/logger.ts";
import { err, ok } from "../../src/lib/result.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { answeredCall } from "../call/control-support.ts";
import { FakeInvite, harness, offerWith, settle, typesOf } from "../call/fakes.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { jsonPost } from "./fixture.ts";

class FakeLoader implements PlayAudioLoader {
  readonly sources: PlaySource[] = [];
  async load(source: PlaySource) {
    this.sources.push(source);
    if ("url" in source && source.url.includes("down")) return err(new ApiError("bad_gateway", "HTTP 404"));
    if ("url" in source && source.url.includes("mp3"))
      return err(new ApiError("invalid_request", "WAV format tag 85"));
    return ok(new Int16Array(1600));
  }
}

async function setup() {
  const call = await answeredCall();
  const loader = new FakeLoader();
  const app = createApiApp({
    clock: new ManualClock(),
    metrics: createMetrics(),
    logger: nullLogger,
    health: () => buildHealthReport({ trunks: [], sipServerListening: true, activeCalls: 0 }),
    routes: [callControlRoutes(call.h.manager, { audio: loader })],
  });
  const post = (path: string, body?: unknown) =>
    app.request(`/v1/calls/${call.callId}/${path}`, body === undefined ? { method: "POST" } : jsonPost(body));
  return { ...call, app, loader, post };
}

/** Lets the request reach the call layer (body reading spans event-loop turns), bounded. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}

async function errorOf(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/json");
  return (await res.json()) as { error: string; message: string };
}

describe("POST …/hold and …/resume", () => {
  test("answers 200 with the call object on_hold once the re-INVITE got its 2xx, then resumes", async () => {
    const { post, dialog, callId } = await setup();
    const pending = post("hold");
    await until(() => dialog.sent.length === 1);
    dialog.last.answer({ status: 200 });
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ call_id: callId, status: "on_hold", direction: "inbound" });
    const resumed = post("resume");
    await until(() => dialog.sent.length === 2);
    dialog.last.answer({ status: 200 });
    expect(await (await resumed).json()).toMatchObject({ status: "in_progress" });
  });

  test("answers 502 bad_gateway naming the SIP code when the re-INVITE is refused", async () => {
    const { post, dialog } = await setup();
    const pending = post("hold");
    await until(() => dialog.sent.length === 1);
    dialog.last.answer({ status: 488 });
    const res = await pending;
    expect(res.status).toBe(502);
    const body = await errorOf(res);
    expect(body.error).toBe("bad_gateway");
    expect(body.message).toContain("488");
  });

  test("answers 504 gateway_timeout after 32 s without an answer", async () => {
    const { post, h, dialog } = await setup();
    const pending = post("hold");
    await until(() => dialog.sent.length === 1);
    h.clock.advance(32_000);
    const res = await pending;
    expect(res.status).toBe(504);
    expect((await errorOf(res)).error).toBe("gateway_timeout");
  });

  test("answers 409 conflict to resume while only the remote side holds, 404 for an unknown call", async () => {
    const { post, invite, app } = await setup();
    invite.handlers?.reInvite(offerWith({ direction: "sendonly" }));
    const res = await post("resume");
    expect(res.status).toBe(409);
    expect((await errorOf(res)).error).toBe("conflict");
    const unknown = await app.request("/v1/calls/CAnope/hold", { method: "POST" });
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).error).toBe("not_found");
  });
});

describe("POST …/transfer", () => {
  test("answers 200 once the REFER is accepted, with Refer-To at the peer's address", async () => {
    const { post, dialog } = await setup();
    const pending = post("transfer", { target: "1002" });
    await until(() => dialog.sent.length === 1);
    expect(dialog.last).toMatchObject({ method: "REFER", payload: "sip:1002@192.0.2.10" });
    dialog.last.answer({ status: 202 });
    expect((await pending).status).toBe(200);
  });

  test("answers 400 without a target and 502 with the code when the REFER is rejected", async () => {
    const { post, dialog } = await setup();
    const bad = await post("transfer", {});
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain("target");
    const pending = post("transfer", { target: "1002" });
    await until(() => dialog.sent.length === 1);
    dialog.last.answer({ status: 403 });
    const res = await pending;
    expect(res.status).toBe(502);
    expect((await errorOf(res)).message).toContain("403");
  });
});

describe("POST …/dtmf", () => {
  test("answers 200 after 200 ms per digit sent as RFC 4733 events", async () => {
    const { post, h, media } = await setup();
    const pending = post("dtmf", { digits: "1a#" });
    await until(() => media.dtmfSent.length === 1);
    expect(media.dtmfSent).toEqual(["1a#"]);
    h.clock.advance(600);
    expect((await pending).status).toBe(200);
  });

  for (const digits of ["", "12x", "1".repeat(33)]) {
    test(`answers 400 to digits ${JSON.stringify(digits.length > 8 ? `${digits.slice(0, 4)}…(${digits.length})` : digits)} and sends nothing`, async () => {
      const { post, media, dialog } = await setup();
      const res = await post("dtmf", { digits });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toContain("digits");
      expect(media.dtmfSent).toEqual([]);
      expect(dialog.sent).toEqual([]);
    });
  }

  test("answers 409 while on hold", async () => {
    const { post, invite } = await setup();
    invite.handlers?.reInvite(offerWith({ direction: "inactive" }));
    expect((await post("dtmf", { digits: "1" })).status).toBe(409);
  });
});

describe("POST …/mute and …/unmute", () => {
  test("answer 200 twice each (idempotent) and switch the media", async () => {
    const { post, media } = await setup();
    expect((await post("mute")).status).toBe(200);
    expect((await post("mute")).status).toBe(200);
    expect((await post("unmute")).status).toBe(200);
    expect((await post("unmute")).status).toBe(200);
    expect(media.muted).toEqual([true, false]);
  });

  test("answers 409 for a call still ringing", async () => {
    const h = harness();
    h.manager.handleInvite(new FakeInvite());
    await settle();
    const callId = h.decisions.requests.at(-1)?.callId ?? "";
    const app = createApiApp({
      clock: new ManualClock(),
      metrics: createMetrics(),
      logger: nullLogger,
      health: () => buildHealthReport({ trunks: [], sipServerListening: true, activeCalls: 0 }),
      routes: [callControlRoutes(h.manager, { audio: new FakeLoader() })],
    });
    const res = await app.request(`/v1/calls/${callId}/mute`, { method: "POST" });
    expect(res.status).toBe(409);
    const play = await app.request(`/v1/calls/${callId}/play`, jsonPost({ audio: "AAAA" }));
    expect(play.status).toBe(409);
  });
});

describe("POST …/play and …/play/stop", () => {
  test("answers {play_id: play_<n>}, plays the loaded audio, and stop answers the same id", async () => {
    const { post, loader, h, callId } = await setup();
    const res = await post("play", { audio: "AAAA", loop_count: 0 });
    expect(res.status).toBe(200);
    const { play_id } = (await res.json()) as { play_id: string };
    expect(play_id).toMatch(/^play_\d+$/);
    expect(loader.sources).toEqual([{ audio: "AAAA" }]);
    const stop = await post("play/stop");
    expect(stop.status).toBe(200);
    expect(await stop.json()).toEqual({ play_id });
    expect(h.events.at(-1)).toEqual({
      type: "call.play_finished",
      callId,
      playId: play_id,
      interrupted: true,
    });
  });

  test("answers 400 with neither or both sources, 400 with the loader's reason, 502 when the fetch fails", async () => {
    const { post } = await setup();
    expect((await post("play", {})).status).toBe(400);
    expect((await post("play", { url: "http://127.0.0.1/a.wav", audio: "AAAA" })).status).toBe(400);
    const mp3 = await post("play", { url: "http://127.0.0.1/a.mp3" });
    expect(mp3.status).toBe(400);
    expect((await errorOf(mp3)).message).toContain("format tag");
    const down = await post("play", { url: "http://127.0.0.1/down.wav" });
    expect(down.status).toBe(502);
    expect((await errorOf(down)).error).toBe("bad_gateway");
  });

  test("play/stop answers 404 not_found when nothing plays, and for an unknown call", async () => {
    const { post, app, h } = await setup();
    const res = await post("play/stop");
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toContain("playback");
    expect((await app.request("/v1/calls/CAnope/play/stop", { method: "POST" })).status).toBe(404);
    expect(typesOf(h.events)).toEqual(["call.answered"]);
  });

  test("play answers 404 for an unknown call without loading any audio", async () => {
    const { app, loader } = await setup();
    const res = await app.request("/v1/calls/CAnope/play", jsonPost({ url: "http://127.0.0.1/a.wav" }));
    expect(res.status).toBe(404);
    expect(loader.sources).toEqual([]);
  });
});
