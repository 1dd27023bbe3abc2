/**
 * The synchronous mid-call commands (rest-api.md §3): mute/unmute and play/play-stop, plus
 * the look-up every command starts with (404 unknown call, 409 not answered). The ones that
 * wait for the peer live in hold.ts, transfer.ts and control-dtmf.ts.
 */
import { err, ok, type Result } from "../lib/result.ts";
import type { Call, CallView } from "./call.ts";
import { type CommandError, ControlError, callNotFound, wrongState } from "./control-errors.ts";
import { Playback, type PlayIds } from "./playback.ts";

/** The call, or 404 (rest-api.md §3: unknown or already ended). */
export function findCall(calls: ReadonlyMap<string, Call>, callId: string): Result<Call, CommandError> {
  const call = calls.get(callId);
  return call === undefined ? err(callNotFound(callId)) : ok(call);
}

/** The call when it is `in_progress` or `on_hold` (mute, unmute, play: 409 otherwise). */
function answeredCall(calls: ReadonlyMap<string, Call>, callId: string): Result<Call, CommandError> {
  const found = findCall(calls, callId);
  if (!found.ok) return found;
  const status = found.value.state.status;
  if (status !== "in_progress" && status !== "on_hold")
    return err(wrongState(callId, status, "in_progress or on_hold"));
  return found;
}

/** POST …/mute, …/unmute: idempotent. */
export function setMute(
  calls: ReadonlyMap<string, Call>,
  callId: string,
  muted: boolean,
): Result<CallView, CommandError> {
  const call = answeredCall(calls, callId);
  if (!call.ok) return call;
  call.value.setMuted(muted);
  return ok(call.value.view());
}

/** POST …/play: `pcm` is 8 kHz mono; `loopCount` 0 repeats until stopped; a running play is interrupted. */
export function startPlay(
  calls: ReadonlyMap<string, Call>,
  ids: PlayIds,
  callId: string,
  pcm: Int16Array,
  loopCount: number,
): Result<{ playId: string }, CommandError> {
  const found = answeredCall(calls, callId);
  if (!found.ok) return found;
  const call = found.value;
  const play: Playback = new Playback(ids.take(), pcm, loopCount, () => call.playbackFinished(play));
  call.startPlayback(play);
  return ok({ playId: play.playId });
}

/** POST …/play/stop: 404 when the call is unknown or nothing plays. */
export function stopPlay(
  calls: ReadonlyMap<string, Call>,
  callId: string,
): Result<{ playId: string }, CommandError> {
  const found = findCall(calls, callId);
  if (!found.ok) return found;
  const playId = found.value.stopPlayback();
  return playId === undefined
    ? err(new ControlError("no_playback", `call '${callId}' has no active playback`))
    : ok({ playId });
}
