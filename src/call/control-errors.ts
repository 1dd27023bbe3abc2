/**
 * Failures of the mid-call commands (rest-api.md §3 "State-changing call control", play,
 * play/stop) that CallError does not name: each classifies itself with the rest-api.md §1.4
 * code and HTTP status (DESIGN.md rule 5). `sipCode` is the SIP status the peer answered, when
 * one did (the 502 message carries it, sip.md §7–§8).
 */
import { CallError } from "./errors.ts";

export const CONTROL_ERRORS = {
  /** rest-api.md §3 play/stop 404: nothing is playing. */
  no_playback: { httpStatus: 404, apiCode: "not_found" },
  /** rest-api.md §1.4 502: the peer refused the re-INVITE, REFER or INFO. */
  refused: { httpStatus: 502, apiCode: "bad_gateway" },
  /** rest-api.md §1.4 504: no final response within 32 s (64*T1, RFC 3261 §17.1.1.2). */
  no_answer: { httpStatus: 504, apiCode: "gateway_timeout" },
  /** The dialog adapter cannot send this request (a wiring bug, not a remote failure). */
  unsupported: { httpStatus: 500, apiCode: "internal" },
} as const;

export type ControlErrorCode = keyof typeof CONTROL_ERRORS;

export class ControlError extends Error {
  readonly httpStatus: (typeof CONTROL_ERRORS)[ControlErrorCode]["httpStatus"];
  readonly apiCode: (typeof CONTROL_ERRORS)[ControlErrorCode]["apiCode"];

  constructor(
    readonly code: ControlErrorCode,
    message: string,
    readonly sipCode?: number,
  ) {
    super(message);
    this.name = "ControlError";
    this.httpStatus = CONTROL_ERRORS[code].httpStatus;
    this.apiCode = CONTROL_ERRORS[code].apiCode;
  }
}

/** What a control command fails with: the call layer's own errors (404 call, 409 state) or these. */
export type CommandError = CallError | ControlError;

export function callNotFound(callId: string): CallError {
  return new CallError("call_not_found", `call '${callId}' does not exist`);
}

export function wrongState(callId: string, status: string, allowed: string): CallError {
  return new CallError("wrong_state", `call '${callId}' is ${status}; allowed only when ${allowed}`);
}
