/**
 * `GET /health` body (spec/rest-api.md "GET /health"). The composition root gathers the SIP
 * side's state; {@link buildHealthReport} derives the summary fields so the rule for `status`
 * and `sip_trunks` lives in one place.
 */

export interface TrunkHealth {
  readonly name: string;
  readonly registered: boolean;
}

export interface HealthReport {
  /** `"ok"` if ≥ 1 trunk is registered now or the trunk-host socket is listening. */
  readonly status: "ok" | "starting";
  /** Trunks registered now (Δ upstream: counts trunks that ever connected). */
  readonly sip_trunks: number;
  readonly sip_server: boolean;
  /** Calls in the registry, inbound `ringing` included. */
  readonly active_calls: number;
  /** Per-trunk state in config order. */
  readonly trunks: readonly TrunkHealth[];
}

export interface HealthInputs {
  /** Every configured trunk, in config order. */
  readonly trunks: readonly TrunkHealth[];
  readonly sipServerListening: boolean;
  readonly activeCalls: number;
}

export function buildHealthReport(s: HealthInputs): HealthReport {
  const registered = s.trunks.filter((t) => t.registered).length;
  return {
    status: registered > 0 || s.sipServerListening ? "ok" : "starting",
    sip_trunks: registered,
    sip_server: s.sipServerListening,
    active_calls: s.activeCalls,
    trunks: s.trunks.map((t) => ({ name: t.name, registered: t.registered })),
  };
}
