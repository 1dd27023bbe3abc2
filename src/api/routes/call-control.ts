/**
 * Mid-call control routes (spec/rest-api.md §3 "State-changing call control", `…/play`,
 * `…/play/stop`): hold, resume, transfer, dtmf, mute, unmute, play, play/stop under
 * `/v1/calls/{call_id}/`. Bodies are validated with the OpenAPI request schemas (one source:
 * TransferRequest, DtmfRequest, PlayRequest; §1.5 → 400 naming the field, DTMF digits checked
 * whole before anything is sent); the commands are the CallManager's, whose self-classifying
 * errors (CallError 404/409, ControlError 404/502/504) become the §1.4 error body. Audio for a
 * play is loaded through {@link PlayAudioLoader} (URL fetch + WAV, or inline PCM), which the
 * root implements: the API layer may not import the codecs (DESIGN.md "Layers").
 */
import type { Context } from "hono";
import type { CallManager } from "../../call/call-manager.ts";
import { callNotFound, wrongState } from "../../call/control-errors.ts";
import type { CallView, CommandError } from "../../call/index.ts";
import type { Result } from "../../lib/result.ts";
import type { RouteModule } from "../deps.ts";
import { ApiError, errorResponse } from "../errors.ts";
import { DtmfRequest, PlayRequest, TransferRequest } from "../openapi/schemas.ts";
import { parseBody } from "../validation/parse-body.ts";
import { callObject } from "./calls.ts";

/** What these routes need from the call layer. */
export type CallControlPort = Pick<
  CallManager,
  "get" | "hold" | "resume" | "transfer" | "sendDtmf" | "mute" | "unmute" | "play" | "stopPlay"
>;

/** Where a play's audio comes from (rest-api.md §3 `…/play`: exactly one of the two). */
export type PlaySource = { readonly url: string } | { readonly audio: string };

/**
 * Turns a play source into 8 kHz mono PCM16, or the error to answer: 400 `invalid_request`
 * (bad base64 / PCM, not RIFF/WAVE, wrong WAV format: the parser's reason), 502 `bad_gateway`
 * (URL unreachable, non-2xx, timeout, over 50 MiB).
 */
export interface PlayAudioLoader {
  load(source: PlaySource): Promise<Result<Int16Array, ApiError>>;
}

export interface CallControlRouteOptions {
  readonly audio: PlayAudioLoader;
}

function failure(e: CommandError): Response {
  return errorResponse(new ApiError(e.apiCode, e.message));
}

function answer(c: Context, r: Result<CallView, CommandError>): Response {
  return r.ok ? c.json(callObject(r.value)) : failure(r.error);
}

export function callControlRoutes(calls: CallControlPort, options: CallControlRouteOptions): RouteModule {
  return (app) => {
    const id = (c: Context) => c.req.param("call_id") ?? "";

    app.post("/v1/calls/:call_id/hold", async (c) => answer(c, await calls.hold(id(c))));
    app.post("/v1/calls/:call_id/resume", async (c) => answer(c, await calls.resume(id(c))));
    app.post("/v1/calls/:call_id/mute", (c) => answer(c, calls.mute(id(c))));
    app.post("/v1/calls/:call_id/unmute", (c) => answer(c, calls.unmute(id(c))));

    app.post("/v1/calls/:call_id/transfer", async (c) => {
      const body = await parseBody(c.req.raw, TransferRequest);
      if (!body.ok) return errorResponse(body.error);
      return answer(c, await calls.transfer(id(c), body.value.target));
    });

    app.post("/v1/calls/:call_id/dtmf", async (c) => {
      const body = await parseBody(c.req.raw, DtmfRequest);
      if (!body.ok) return errorResponse(body.error);
      return answer(c, await calls.sendDtmf(id(c), body.value.digits));
    });

    app.post("/v1/calls/:call_id/play", async (c) => {
      const body = await parseBody(c.req.raw, PlayRequest);
      if (!body.ok) return errorResponse(body.error);
      const callId = id(c);
      // 404/409 before a fetch that may take 10 s (rest-api.md §3 `…/play` status table).
      const view = calls.get(callId);
      if (view === undefined) return failure(callNotFound(callId));
      if (view.status !== "in_progress" && view.status !== "on_hold")
        return failure(wrongState(callId, view.status, "in_progress or on_hold"));
      const b = body.value;
      const pcm = await options.audio.load(b.url !== undefined ? { url: b.url } : { audio: b.audio ?? "" });
      if (!pcm.ok) return errorResponse(pcm.error);
      const played = calls.play(callId, pcm.value, b.loop_count);
      return played.ok ? c.json({ play_id: played.value.playId }) : failure(played.error);
    });

    app.post("/v1/calls/:call_id/play/stop", (c) => {
      const stopped = calls.stopPlay(id(c));
      return stopped.ok ? c.json({ play_id: stopped.value.playId }) : failure(stopped.error);
    });
  };
}
