/**
 * SDES key exchange in SDP (RFC 4568): parse and build the value of `a=crypto:` for the
 * AES_CM_128_HMAC_SHA1_80/_32 suites (§6.2), and generate fresh key material from an
 * injected Random.
 *
 *   a=crypto:<tag> <crypto-suite> inline:<key||salt base64>[|<lifetime>][|<MKI>:<length>]
 *            [;inline:…] [<session-params>]
 */
import type { Random } from "../lib/random.ts";
import { ok, parseError, type Result } from "../lib/result.ts";
import { MASTER_KEY_BYTES, MASTER_SALT_BYTES } from "./key-derivation.ts";
import type { SrtpKeyMaterial, SrtpSuite } from "./srtp-context.ts";

export const SUPPORTED_SUITES: readonly SrtpSuite[] = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"];

/** RFC 3711 §9.2: at most 2^48 SRTP packets per master key; larger lifetimes are invalid. */
const MAX_LIFETIME = 2 ** 48;
/** RFC 4568 §9.2: MKI length is 1 to 128 octets. */
const MAX_MKI_BYTES = 128;

export interface SdesCrypto {
  tag: number;
  /** As written in the offer; {@link isSupportedSuite} says whether we can use it. */
  suite: string;
  /** Present when the suite is supported, its first key parses and no session parameter needs support. */
  key?: SrtpKeyMaterial;
  /** Master key lifetime in packets (§6.1), when given. */
  lifetime?: number;
  /** Anything after the key parameters (session parameters such as UNENCRYPTED_SRTP). */
  sessionParams: string[];
}

export function isSupportedSuite(suite: string): suite is SrtpSuite {
  return (SUPPORTED_SUITES as readonly string[]).includes(suite);
}

/** Parses the value after `a=crypto:`. Unknown suites parse (so the caller can answer 488). */
export function parseCryptoAttribute(value: string): Result<SdesCrypto> {
  const parts = value.trim().split(/[ \t]+/);
  if (parts.length < 3) return parseError("crypto attribute needs tag, suite and key parameters");
  const tagText = parts[0]!;
  if (!/^\d{1,9}$/.test(tagText)) return parseError("crypto tag is not 1–9 digits", 0);
  const tag = Number(tagText);
  const suite = parts[1]!;
  const sessionParams = parts.slice(3);
  // §6.3: we implement no SRTP session parameter (KDR, UNENCRYPTED_SRTP, FEC_ORDER…); an
  // attribute with one we do not understand is not accepted (no key), except for extensions
  // marked optional with a leading "-".
  const understood = sessionParams.every((p) => p.startsWith("-"));
  if (!isSupportedSuite(suite) || !understood) return ok({ tag, suite, sessionParams });
  // §9.1: several key-params may be listed with ";"; we use the first one.
  const first = parts[2]!.split(";")[0]!;
  if (!first.startsWith("inline:")) return parseError("key method is not inline");
  const fields = first.slice("inline:".length).split("|");
  const raw = decodeBase64(fields[0]!);
  if (raw === undefined || raw.length !== MASTER_KEY_BYTES + MASTER_SALT_BYTES) {
    return parseError("inline key is not base64 of 30 octets (key || salt)");
  }
  const key: SrtpKeyMaterial = {
    suite,
    masterKey: raw.slice(0, MASTER_KEY_BYTES),
    masterSalt: raw.slice(MASTER_KEY_BYTES),
  };
  let lifetime: number | undefined;
  for (const f of fields.slice(1)) {
    if (f.includes(":")) {
      const mki = parseMki(f);
      if (mki === undefined) return parseError("MKI is not <value>:<length 1–128>");
      key.mki = mki;
    } else {
      const lt = parseLifetime(f);
      if (lt === undefined) return parseError("lifetime is not a number or 2^n ≤ 2^48");
      lifetime = lt;
    }
  }
  const out: SdesCrypto = { tag, suite, key, sessionParams };
  if (lifetime !== undefined) out.lifetime = lifetime;
  return ok(out);
}

/** Builds `<tag> <suite> inline:<base64>` for our own key (no lifetime, no MKI). */
export function serializeCryptoAttribute(tag: number, key: SrtpKeyMaterial): string {
  const raw = new Uint8Array(MASTER_KEY_BYTES + MASTER_SALT_BYTES);
  raw.set(key.masterKey);
  raw.set(key.masterSalt, MASTER_KEY_BYTES);
  return `${tag} ${key.suite} inline:${raw.toBase64()}`;
}

/** Fresh 16-octet master key and 14-octet salt (RFC 4568 §6.1 key-salt) from `random`. */
export function generateKeyMaterial(random: Random, suite: SrtpSuite): SrtpKeyMaterial {
  const raw = random.bytes(MASTER_KEY_BYTES + MASTER_SALT_BYTES);
  return { suite, masterKey: raw.slice(0, MASTER_KEY_BYTES), masterSalt: raw.slice(MASTER_KEY_BYTES) };
}

function decodeBase64(s: string): Uint8Array | undefined {
  // §6.1: base64 with padding; some peers omit the padding, which is harmless to accept.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  try {
    return Uint8Array.fromBase64(s, { lastChunkHandling: "loose" });
  } catch {
    return undefined;
  }
}

function parseLifetime(s: string): number | undefined {
  let v: number;
  if (/^2\^\d{1,2}$/.test(s)) v = 2 ** Number(s.slice(2));
  else if (/^\d{1,15}$/.test(s)) v = Number(s);
  else return undefined;
  return v >= 1 && v <= MAX_LIFETIME ? v : undefined;
}

function parseMki(s: string): Uint8Array | undefined {
  const m = /^(\d{1,20}):(\d{1,3})$/.exec(s);
  if (m === null) return undefined;
  const length = Number(m[2]);
  if (length < 1 || length > MAX_MKI_BYTES) return undefined;
  let value = BigInt(m[1]!);
  if (value >= 1n << BigInt(Math.min(length * 8, 64))) return undefined;
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0 && value > 0n; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}
