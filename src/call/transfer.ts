/**
 * Blind transfer (rest-api.md §3 `POST …/transfer`; sip.md §8; RFC 3515): REFER in the dialog
 * with a normalised Refer-To, then the `refer` NOTIFYs decide. 2xx to the REFER → REST 200;
 * ≥ 300 → 502 with the code; no final response in 32 s → 504. A NOTIFY with a 2xx sipfrag
 * ends the call with BYE, reason `transfer`; a ≥ 300 one, or a subscription that terminates
 * without a final status, leaves the call as it was and emits `call.transfer_failed`.
 *
 * `sip_code` when the subscription ends without a final status: 487 (Request Terminated),
 * the code RFC 3261 §9.1 gives an INVITE that ended before any final response — the last
 * provisional (100/180) would not be a failure code the app could act on.
 */
import { err, ok, type Result } from "../lib/result.ts";
import type { Call, CallHost, CallView } from "./call.ts";
import { MID_CALL_TIMEOUT_MS, TIMED_OUT, withDeadline } from "./control-deadline.ts";
import { type CommandError, ControlError, callNotFound, wrongState } from "./control-errors.ts";
import type { SignallingAddress, TransferProgress } from "./ports.ts";
import { uriHost } from "./trunk-host.ts";

/** sip_code of `call.transfer_failed` when the subscription ended without a final status (see above). */
export const TRANSFER_NO_FINAL_STATUS = 487;

const URI_SCHEME = /^(sips?|tel):/i;

/** `hostport` (RFC 3261 §25.1), leaving out 5060, the default port of `sip:` (§19.1.2). */
function hostport(a: SignallingAddress): string {
  return a.port === 5060 ? uriHost(a.address) : `${uriHost(a.address)}:${a.port}`;
}

/** sip.md §8 step 1: T as is when a sip:/sips:/tel: URI, else `sip:<T>@<domain>`. */
export function referTarget(target: string, domain: SignallingAddress | string): string {
  if (URI_SCHEME.test(target)) return target;
  return `sip:${target}@${typeof domain === "string" ? domain : hostport(domain)}`;
}

export async function transferCall(
  call: Call,
  host: CallHost,
  target: string,
): Promise<Result<CallView, CommandError>> {
  const s = call.state;
  if (s.status !== "in_progress" && s.status !== "on_hold")
    return err(wrongState(call.id, s.status, "in_progress or on_hold"));
  if (call.transfer !== undefined)
    return err(wrongState(call.id, "being transferred", "no transfer is pending"));
  const dialog = call.dialog;
  if (dialog?.refer === undefined || dialog.remote === undefined)
    return err(new ControlError("unsupported", `call '${call.id}' cannot send a REFER`));

  // NOTIFYs may overtake the REFER's 2xx (RFC 3515 §2.4.4), so they are followed from now on.
  let transferred = false;
  call.transfer = {
    target,
    onNotify: (p) => {
      transferred = p.kind === "succeeded";
      followNotify(call, host, target, p);
    },
  };
  const outcome = await withDeadline(
    host.timers,
    MID_CALL_TIMEOUT_MS,
    dialog.refer(referTarget(target, dialog.remote)),
  );
  // A NOTIFY 2xx overtook the REFER's 2xx: the transfer is done, the call already ended `transfer`.
  if (call.ended) return transferred ? ok(call.view()) : err(callNotFound(call.id));
  if (outcome === TIMED_OUT || outcome === undefined) {
    call.transfer = undefined;
    return err(new ControlError("no_answer", "the REFER got no answer within 32 s"));
  }
  if (outcome.status >= 300) {
    call.transfer = undefined;
    return err(
      new ControlError("refused", `the REFER was rejected with SIP ${outcome.status}`, outcome.status),
    );
  }
  return ok(call.view());
}

function followNotify(call: Call, host: CallHost, target: string, p: TransferProgress): void {
  if (p.kind === "pending") return;
  call.transfer = undefined;
  if (p.kind === "succeeded") {
    call.hangUp("transfer");
    return;
  }
  host.emit({
    type: "call.transfer_failed",
    callId: call.id,
    target,
    sipCode: p.code ?? TRANSFER_NO_FINAL_STATUS,
  });
}
