/**
 * SRTP session key derivation (RFC 3711 §4.3.1, §4.3.3) with the AES-CM PRF. The key
 * derivation rate is 0 (RFC 4568 §6.1 default; no re-keying), so r = 0 and the session keys
 * are derived once per context.
 *
 *   key_id = label || r ;  x = key_id XOR master_salt ;  IV = x · 2^16
 *   session key = first n bits of AES-CM(master_key, IV)
 */
import { AesCm } from "./aes-cm.ts";

/** §4.3.1 labels: SRTP encryption/auth/salt 0–2, SRTCP 3–5. */
export const LABEL_SRTP_ENCRYPTION = 0x00;
export const LABEL_SRTP_AUTH = 0x01;
export const LABEL_SRTP_SALT = 0x02;
export const LABEL_SRTCP_ENCRYPTION = 0x03;
export const LABEL_SRTCP_AUTH = 0x04;
export const LABEL_SRTCP_SALT = 0x05;

export const MASTER_KEY_BYTES = 16;
export const MASTER_SALT_BYTES = 14;
/** n_a = 160 bits for HMAC-SHA1 (§8.2 default transform). */
export const AUTH_KEY_BYTES = 20;

export interface SessionKeys {
  encryptionKey: Uint8Array;
  authKey: Uint8Array;
  salt: Uint8Array;
}

/** Derives `length` bytes for `label` (r = 0, since the key derivation rate is 0). */
export function deriveKey(prf: AesCm, masterSalt: Uint8Array, label: number, length: number): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(masterSalt.subarray(0, MASTER_SALT_BYTES));
  // key_id is 56 bits (8-bit label, 48-bit r) aligned to the low end of the 112-bit salt.
  iv[7] = iv[7]! ^ label;
  return prf.keystream(iv, new Uint8Array(length));
}

/** The three session keys for SRTP (`rtcp` false) or SRTCP (`rtcp` true). */
export function deriveSessionKeys(masterKey: Uint8Array, masterSalt: Uint8Array, rtcp: boolean): SessionKeys {
  const prf = new AesCm(masterKey);
  return {
    encryptionKey: deriveKey(
      prf,
      masterSalt,
      rtcp ? LABEL_SRTCP_ENCRYPTION : LABEL_SRTP_ENCRYPTION,
      MASTER_KEY_BYTES,
    ),
    authKey: deriveKey(prf, masterSalt, rtcp ? LABEL_SRTCP_AUTH : LABEL_SRTP_AUTH, AUTH_KEY_BYTES),
    salt: deriveKey(prf, masterSalt, rtcp ? LABEL_SRTCP_SALT : LABEL_SRTP_SALT, MASTER_SALT_BYTES),
  };
}
