/**
 * Adapts the running SipStack to the manager's {@link TrunkSip} port: REGISTERs go out as
 * plain non-INVITE client transactions (the REGISTER client answers challenges itself), and
 * keep-alives are a double CRLF written straight to the transport (RFC 5626 §3.5.1; on UDP it
 * only refreshes the NAT binding, the registrar ignores it, RFC 3261 §7.5 / RFC 5626 §4.4.1).
 */
import { utf8 } from "../lib/bytes.ts";
import type { SipStack } from "../sip/transport/sip-stack.ts";
import type { TrunkSip } from "./types.ts";

const CRLFCRLF = utf8("\r\n\r\n");

export function sipStackPort(stack: SipStack): TrunkSip {
  return {
    request: (target, request) => stack.request(target, request),
    local: (protocol) => stack.local(protocol),
    newTag: () => stack.newTag(),
    newCallId: () => stack.newCallId(),
    keepAlive: async (target) => {
      const transport = stack.io.transport(target.protocol);
      if (transport === undefined) return false;
      return transport.send(CRLFCRLF, { address: target.address, port: target.port });
    },
  };
}
