/**
 * Serializes a message to wire bytes (RFC 3261 §7). Content-Length is always written and always
 * recomputed from the body in bytes (§20.14; mandatory on stream transports, §18.3), in the place
 * of the first Content-Length header if there was one. Header values are written unfolded; a CR
 * or LF inside a value is replaced by a space so that no caller can inject header lines.
 */
import { concatBytes, utf8 } from "../../lib/bytes.ts";
import { canonicalName } from "./headers.ts";
import type { SipMessage } from "./types.ts";

function clean(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/\r\n|[\r\n]/g, " ") : s;
}

/** The start line and header block, ending with the empty line. */
export function serializeHead(msg: SipMessage): string {
  let out =
    msg.kind === "request"
      ? `${clean(msg.method)} ${clean(msg.uri)} SIP/2.0\r\n`
      : `SIP/2.0 ${msg.status} ${clean(msg.reason)}\r\n`;
  let lengthWritten = false;
  for (const h of msg.headers) {
    if (canonicalName(h.name) === "content-length") {
      if (!lengthWritten) out += `${h.name}: ${msg.body.length}\r\n`;
      lengthWritten = true;
    } else out += `${clean(h.name)}: ${clean(h.value)}\r\n`;
  }
  if (!lengthWritten) out += `Content-Length: ${msg.body.length}\r\n`;
  return `${out}\r\n`;
}

export function serializeMessage(msg: SipMessage): Uint8Array {
  const head = utf8(serializeHead(msg));
  return msg.body.length === 0 ? head : concatBytes(head, msg.body);
}
