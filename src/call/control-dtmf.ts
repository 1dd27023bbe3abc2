/**
 * REST DTMF send (rest-api.md §3 `POST …/dtmf`; sip.md §9): RFC 4733 events in the RTP stream
 * when telephone-event was negotiated (the media session schedules them; the answer waits
 * ~200 ms per digit, until the last one has been sent), else one SIP INFO
 * `application/dtmf-relay` per digit, each waiting for its 200 OK. The digits were validated
 * as a whole by the API before this runs (rest-api.md: "checked before anything is sent").
 */
import { err, ok, type Result } from "../lib/result.ts";
import type { Call, CallHost, CallView } from "./call.ts";
import { DTMF_DIGIT_MS, delay, MID_CALL_TIMEOUT_MS, TIMED_OUT, withDeadline } from "./control-deadline.ts";
import { type CommandError, ControlError, callNotFound, wrongState } from "./control-errors.ts";

export async function sendDigits(
  call: Call,
  host: CallHost,
  digits: string,
): Promise<Result<CallView, CommandError>> {
  if (call.state.status !== "in_progress") return err(wrongState(call.id, call.state.status, "in_progress"));
  if (call.media.sendDtmf?.(digits) === true) {
    await delay(host.timers, digits.length * DTMF_DIGIT_MS);
    return call.ended ? err(callNotFound(call.id)) : ok(call.view());
  }
  const dialog = call.dialog;
  if (dialog?.sendDtmfInfo === undefined)
    return err(new ControlError("unsupported", `call '${call.id}' cannot send SIP INFO`));
  for (const digit of digits) {
    const outcome = await withDeadline(host.timers, MID_CALL_TIMEOUT_MS, dialog.sendDtmfInfo(digit));
    if (call.ended) return err(callNotFound(call.id));
    if (outcome === TIMED_OUT || outcome === undefined)
      return err(new ControlError("no_answer", `the INFO for digit '${digit}' got no answer within 32 s`));
    if (outcome.status >= 300)
      return err(
        new ControlError(
          "refused",
          `the INFO for digit '${digit}' was refused with SIP ${outcome.status}`,
          outcome.status,
        ),
      );
  }
  return ok(call.view());
}
