/**
 * The Binding method (RFC 8489 §3, §6.1, §6.3): building a request with a fresh transaction id
 * from the injected Random, reading the reflexive address out of a success response, and
 * building a success response (for responders and tests). Pure.
 */
import { constantTimeEqual, fromUtf8, utf8 } from "../lib/bytes.ts";
import type { Random } from "../lib/random.ts";
import { ok, parseError, type Result } from "../lib/result.ts";
import {
  decodeMappedAddress,
  decodeXorMappedAddress,
  encodeMappedAddress,
  encodeXorMappedAddress,
  type TransportAddress,
} from "./address.ts";
import {
  ATTR,
  decodeStunMessage,
  encodeStunMessage,
  findAttribute,
  METHOD_BINDING,
  type StunAttribute,
  TRANSACTION_ID_LENGTH,
} from "./stun-message.ts";

/** §5: 96 bits, uniformly random, so responses cannot be forged by off-path guessing. */
export function newTransactionId(random: Random): Uint8Array {
  return random.bytes(TRANSACTION_ID_LENGTH).slice(0, TRANSACTION_ID_LENGTH);
}

export interface BindingRequestOptions {
  /** SOFTWARE attribute (§14.14), e.g. `xbridge`. */
  software?: string;
  /** Add FINGERPRINT (§14.7; optional for plain Binding, §7.1). */
  fingerprint?: boolean;
}

/** A Binding request (§6.1). */
export function encodeBindingRequest(
  transactionId: Uint8Array,
  opts: BindingRequestOptions = {},
): Uint8Array {
  const attributes: StunAttribute[] = [];
  if (opts.software !== undefined) attributes.push({ type: ATTR.SOFTWARE, value: utf8(opts.software) });
  return encodeStunMessage({
    method: METHOD_BINDING,
    class: "request",
    transactionId,
    attributes,
    ...(opts.fingerprint !== undefined ? { fingerprint: opts.fingerprint } : {}),
  });
}

export interface BindingResult {
  /** Our address as the server saw it (the server-reflexive address). */
  mapped: TransportAddress;
  /** Which attribute carried it: XOR-MAPPED-ADDRESS is preferred (§14.2); MAPPED-ADDRESS is RFC 3489's. */
  source: "XOR-MAPPED-ADDRESS" | "MAPPED-ADDRESS";
  software?: string;
}

/** ERROR-CODE (§14.8): class × 100 + number, then a reason phrase. */
function errorText(value: Uint8Array | undefined): string {
  if (value === undefined || value.length < 4) return "error response without ERROR-CODE";
  const code = (value[2]! & 0x07) * 100 + value[3]!;
  return `error response ${code} ${fromUtf8(value.subarray(4)).slice(0, 128)}`.trim();
}

/**
 * Reads the answer to our Binding request `transactionId` (§6.3). Anything else — another
 * transaction, a request, an error response, a missing address — is an error with a reason.
 */
export function readBindingResponse(data: Uint8Array, transactionId: Uint8Array): Result<BindingResult> {
  const decoded = decodeStunMessage(data);
  if (!decoded.ok) return decoded;
  const m = decoded.value;
  if (m.method !== METHOD_BINDING) return parseError("not a Binding message");
  // §6.3: responses are matched to their request by transaction id.
  if (!constantTimeEqual(m.transactionId, transactionId)) return parseError("transaction id does not match");
  if (m.class === "error") return parseError(errorText(findAttribute(m, ATTR.ERROR_CODE)));
  if (m.class !== "success") return parseError(`unexpected ${m.class} message`);
  const softwareValue = findAttribute(m, ATTR.SOFTWARE);
  const software = softwareValue === undefined ? {} : { software: fromUtf8(softwareValue) };
  const xor = findAttribute(m, ATTR.XOR_MAPPED_ADDRESS);
  if (xor !== undefined) {
    const a = decodeXorMappedAddress(xor, m.transactionId);
    if (!a.ok) return a;
    return ok({ mapped: a.value, source: "XOR-MAPPED-ADDRESS", ...software });
  }
  // §14.1: kept for RFC 3489 servers, which send only MAPPED-ADDRESS.
  const plain = findAttribute(m, ATTR.MAPPED_ADDRESS);
  if (plain === undefined) return parseError("success response without a mapped address");
  const a = decodeMappedAddress(plain);
  if (!a.ok) return a;
  return ok({ mapped: a.value, source: "MAPPED-ADDRESS", ...software });
}

/**
 * A Binding success response carrying `mapped` as XOR-MAPPED-ADDRESS and, for RFC 3489 clients,
 * MAPPED-ADDRESS (§14.1). Undefined when `mapped` is not an IP literal.
 */
export function encodeBindingSuccess(
  transactionId: Uint8Array,
  mapped: TransportAddress,
  opts: { legacyMapped?: boolean; fingerprint?: boolean } = {},
): Uint8Array | undefined {
  const xor = encodeXorMappedAddress(mapped, transactionId);
  const plain = encodeMappedAddress(mapped);
  if (xor === undefined || plain === undefined) return undefined;
  const attributes: StunAttribute[] = [{ type: ATTR.XOR_MAPPED_ADDRESS, value: xor }];
  if (opts.legacyMapped === true) attributes.unshift({ type: ATTR.MAPPED_ADDRESS, value: plain });
  return encodeStunMessage({
    method: METHOD_BINDING,
    class: "success",
    transactionId,
    attributes,
    ...(opts.fingerprint !== undefined ? { fingerprint: opts.fingerprint } : {}),
  });
}
