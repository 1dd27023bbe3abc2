/**
 * Domain errors of the call layer that classify themselves (DESIGN.md rule 5): one stable code
 * maps to one HTTP status with its rest-api.md §1.4 error code, one SIP status (sip.md §5) and
 * one metric label. The API answers with `httpStatus`/`apiCode`, the SIP side with `sipStatus`.
 */

export const CALL_ERRORS = {
  /** rest-api.md §3: unknown or already ended call. */
  call_not_found: { httpStatus: 404, apiCode: "not_found", sipStatus: 481 },
  /** rest-api.md §3 POST 404: peer name unknown, or no `server` block. */
  peer_not_found: { httpStatus: 404, apiCode: "not_found", sipStatus: 404 },
  /** rest-api.md §3 POST 404: named trunk not configured. */
  trunk_not_found: { httpStatus: 404, apiCode: "not_found", sipStatus: 404 },
  /** rest-api.md §3 POST 422: the peer has no `host` to dial. */
  peer_without_host: { httpStatus: 422, apiCode: "unprocessable", sipStatus: 500 },
  /** rest-api.md §1.4 409: the command is not valid in the call's state. */
  wrong_state: { httpStatus: 409, apiCode: "conflict", sipStatus: 491 },
  /** rest-api.md §3 POST 503 / sip.md §5: gateway shutting down. */
  shutting_down: { httpStatus: 503, apiCode: "unavailable", sipStatus: 503 },
  /** sip.md §10 "Ports": no free RTP port. */
  no_rtp_port: { httpStatus: 503, apiCode: "unavailable", sipStatus: 503 },
  /** rest-api.md §3 POST 503: trunk not registered, or no trunk and no peer. */
  trunk_unavailable: { httpStatus: 503, apiCode: "unavailable", sipStatus: 503 },
  /** rest-api.md §3 POST 503: trunk host not listening (the INVITE could not be sent). */
  not_listening: { httpStatus: 503, apiCode: "unavailable", sipStatus: 503 },
  /** sip.md §5: 256 calls already await `/incoming`. */
  overloaded: { httpStatus: 503, apiCode: "unavailable", sipStatus: 503 },
} as const;

export type CallErrorCode = keyof typeof CALL_ERRORS;

export class CallError extends Error {
  readonly httpStatus: (typeof CALL_ERRORS)[CallErrorCode]["httpStatus"];
  readonly apiCode: (typeof CALL_ERRORS)[CallErrorCode]["apiCode"];
  readonly sipStatus: number;

  constructor(
    readonly code: CallErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "CallError";
    const c = CALL_ERRORS[code];
    this.httpStatus = c.httpStatus;
    this.apiCode = c.apiCode;
    this.sipStatus = c.sipStatus;
  }

  /** Label for `xbridge_*` error counters: the stable code itself. */
  get metricLabel(): CallErrorCode {
    return this.code;
  }
}
