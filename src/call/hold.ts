/**
 * REST hold and resume (rest-api.md §3 `POST …/hold`, `…/resume`; sip.md §7): a re-INVITE in
 * the dialog repeating our current description (same codecs, same port and keys) with only
 * the direction changed: `a=sendonly` to hold, `a=sendrecv` to resume, or `a=recvonly` when the
 * remote side still holds us (RFC 3264 §8.4). On 2xx the call moves and `call.hold` /
 * `call.resumed` `{by: local}` is emitted; a non-2xx leaves it as it was (502 with the code),
 * no final response in 32 s is 504. While ours is pending a crossing remote re-INVITE gets 491
 * (`Call.localReInvitePending`, RFC 3261 §14.2).
 */
import { err, ok, type Result } from "../lib/result.ts";
import {
  type Attribute,
  type Direction,
  type SessionDescription,
  sequenceLocalDescription,
  serializeSdp,
} from "../sdp/index.ts";
import type { Call, CallHost, CallView } from "./call.ts";
import { MID_CALL_TIMEOUT_MS, TIMED_OUT, withDeadline } from "./control-deadline.ts";
import { type CommandError, ControlError, callNotFound, wrongState } from "./control-errors.ts";

const DIRECTIONS: readonly string[] = ["sendrecv", "sendonly", "recvonly", "inactive"];

function withoutDirection(attributes: readonly Attribute[]): Attribute[] {
  return attributes.filter((a) => !DIRECTIONS.includes(a.name.toLowerCase()));
}

/** `sd` with one media-level direction on every stream (RFC 8866 §6.7: media level wins anyway). */
function withDirection(sd: SessionDescription, direction: Direction): SessionDescription {
  return {
    ...sd,
    attributes: withoutDirection(sd.attributes),
    media: sd.media.map((m) => ({
      ...m,
      attributes: [...withoutDirection(m.attributes), { name: direction }],
    })),
  };
}

/** The direction of our re-INVITE offer (sip.md §7 table). */
function holdDirection(holdLocal: boolean, heldRemote: boolean): Direction {
  if (holdLocal) return "sendonly";
  return heldRemote ? "recvonly" : "sendrecv";
}

/** `held` true → hold, false → resume. */
export async function setLocalHold(
  call: Call,
  host: CallHost,
  held: boolean,
): Promise<Result<CallView, CommandError>> {
  const s = call.state;
  const verb = held ? "hold" : "resume";
  if (s.status !== "in_progress" && s.status !== "on_hold")
    return err(wrongState(call.id, s.status, "the call is answered"));
  // rest-api.md §3: a no-op 200 when already in the asked state.
  if (s.heldLocal === held) {
    if (held || s.status === "in_progress") return ok(call.view());
    return err(wrongState(call.id, "held only by the remote side", "held locally"));
  }
  if (held && s.status !== "in_progress") return err(wrongState(call.id, s.status, "in_progress"));
  if (call.localReInvitePending) return err(wrongState(call.id, "changing hold", "no re-INVITE is pending"));
  const dialog = call.dialog;
  if (dialog?.reinvite === undefined || call.localSdp === undefined)
    return err(new ControlError("unsupported", `call '${call.id}' cannot send a re-INVITE`));

  const direction = holdDirection(held, s.heldRemote);
  const offer = sequenceLocalDescription(call.localSdp, withDirection(call.localSdp, direction));
  call.localReInvitePending = true;
  const outcome = await withDeadline(host.timers, MID_CALL_TIMEOUT_MS, dialog.reinvite(serializeSdp(offer)));
  call.localReInvitePending = false;
  if (call.ended) return err(callNotFound(call.id));
  if (outcome === TIMED_OUT || outcome === undefined)
    return err(new ControlError("no_answer", `the ${verb} re-INVITE got no answer within 32 s`));
  if (outcome.status >= 300)
    return err(
      new ControlError(
        "refused",
        `the ${verb} re-INVITE was refused with SIP ${outcome.status}`,
        outcome.status,
      ),
    );
  call.localSdp = offer;
  // RFC 3264 §8: the answer may move the remote address or codec; an unreadable one keeps media as is.
  const media = call.readAnswer(outcome.sdp);
  if (media !== undefined) call.media.update(media);
  call.media.setDirection(direction);
  call.apply({ kind: "hold", by: "local", held });
  return ok(call.view());
}
