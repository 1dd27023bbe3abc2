/**
 * One Via value (RFC 3261 §20.42, §25.1 via-parm) with `branch`, `received`, `maddr`, `ttl`
 * and RFC 3581 `rport` (a flag in requests, a number in responses).
 *   via-parm    = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport   (SLASH = SWS "/" SWS)
 *   sent-by     = host [ COLON port ]                                      (COLON = SWS ":" SWS)
 */
import { ok, parseError, type Result } from "../../lib/result.ts";
import { parseParams, serializeParams } from "./params.ts";
import { isToken, trimLws } from "./text.ts";
import type { Via } from "./types.ts";
import { parseHostPort } from "./uri.ts";

const SENT_PROTOCOL = /^([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s/]+)\s+(.*)$/s;

export function parseVia(input: string): Result<Via> {
  const m = SENT_PROTOCOL.exec(trimLws(input));
  if (!m) return parseError("Via lacks sent-protocol and sent-by", 0);
  const [, name, version, transport, rest] = m as unknown as [string, string, string, string, string];
  if (!isToken(name) || !isToken(version) || !isToken(transport))
    return parseError("bad Via sent-protocol", 0);
  const semi = rest.indexOf(";");
  const sentBy = trimLws(semi < 0 ? rest : rest.slice(0, semi)).replace(/\s*:\s*/, ":");
  const hp = parseHostPort(sentBy);
  if (!hp.ok) return parseError(`bad Via sent-by: ${hp.error.reason}`, 0);
  const params = parseParams(semi < 0 ? "" : rest.slice(semi));
  if (!params.ok) return parseError(`bad Via parameter: ${params.error.reason}`, 0);
  const rport = params.value.get("rport");
  // RFC 3581 §3: rport is empty in a request, a port number once the server fills it in.
  if (rport !== undefined && rport !== null && parseBoundedIntPort(rport) === undefined) {
    return parseError("bad Via rport", 0);
  }
  const via: Via = {
    protocol: `${name.toUpperCase()}/${version}`,
    transport: transport.toUpperCase(),
    host: hp.value.host,
    params: params.value,
  };
  if (hp.value.port !== undefined) via.port = hp.value.port;
  return ok(via);
}

function parseBoundedIntPort(s: string): number | undefined {
  return /^[0-9]{1,5}$/.test(s) && Number(s) <= 65535 ? Number(s) : undefined;
}

export function serializeVia(v: Via): string {
  const port = v.port === undefined ? "" : `:${v.port}`;
  return `${v.protocol}/${v.transport} ${v.host}${port}${serializeParams(v.params)}`;
}
