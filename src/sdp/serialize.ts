/**
 * SDP serializer: writes a {@link SessionDescription} with CRLF line ends in the order
 * RFC 8866 §5 fixes (v o s i u e p c b t r z k a, then per media m i c b k a). Lines the parser
 * did not know are written back verbatim at the end of the section they came from.
 */
import type { Attribute, Connection, MediaDescription, SessionDescription } from "./types.ts";

const CRLF = "\r\n";

export function serializeSdp(sd: SessionDescription): string {
  const out: string[] = [`v=${sd.version}`];
  if (sd.origin !== undefined) {
    const o = sd.origin;
    out.push(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`);
  }
  out.push(`s=${sd.sessionName}`);
  if (sd.information !== undefined) out.push(`i=${sd.information}`);
  if (sd.uri !== undefined) out.push(`u=${sd.uri}`);
  for (const e of sd.emails) out.push(`e=${e}`);
  for (const p of sd.phones) out.push(`p=${p}`);
  if (sd.connection !== undefined) out.push(connectionLine(sd.connection));
  for (const b of sd.bandwidths) out.push(`b=${b}`);
  // RFC 8866 §5.9: at least one t= line.
  if (sd.timings.length === 0) out.push("t=0 0");
  for (const t of sd.timings) {
    out.push(`t=${t.start} ${t.stop}`);
    for (const r of t.repeats) out.push(`r=${r}`);
  }
  if (sd.zone !== undefined) out.push(`z=${sd.zone}`);
  if (sd.key !== undefined) out.push(`k=${sd.key}`);
  for (const a of sd.attributes) out.push(attributeLine(a));
  for (const u of sd.unknown) out.push(u);
  for (const m of sd.media) pushMedia(out, m);
  return out.join(CRLF) + CRLF;
}

function pushMedia(out: string[], m: MediaDescription): void {
  const port = m.numberOfPorts === undefined ? `${m.port}` : `${m.port}/${m.numberOfPorts}`;
  const formats = m.formats.length === 0 ? "" : ` ${m.formats.join(" ")}`;
  out.push(`m=${m.media} ${port} ${m.proto}${formats}`);
  if (m.information !== undefined) out.push(`i=${m.information}`);
  for (const c of m.connections) out.push(connectionLine(c));
  for (const b of m.bandwidths) out.push(`b=${b}`);
  if (m.key !== undefined) out.push(`k=${m.key}`);
  for (const a of m.attributes) out.push(attributeLine(a));
  for (const u of m.unknown) out.push(u);
}

function connectionLine(c: Connection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}`;
}

function attributeLine(a: Attribute): string {
  return a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`;
}
