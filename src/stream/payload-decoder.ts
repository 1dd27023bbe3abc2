/**
 * Base64 audio payloads of client `media` messages (spec/websocket.md §4) decoded into one
 * reused scratch buffer (Uint8Array#setFromBase64), so a steady 20 ms client stream allocates
 * nothing per message here. Decoding is synchronous and the bytes are consumed before the
 * next call, so one decoder serves every socket of the process.
 */

/** Largest message is 4 MiB (§8), so at most 3 MiB of decoded bytes. */
const MAX_DECODED_BYTES = 3 * 1024 * 1024 + 3;

export class PayloadDecoder {
  private scratch = new Uint8Array(1024);

  /** The buffer `decode` writes into; valid up to the returned length until the next call. */
  get bytes(): Uint8Array {
    return this.scratch;
  }

  /**
   * Decodes into `bytes` and returns the byte count, or -1 for invalid base64 (§8 "invalid
   * base64": the message is ignored). No view is created, so nothing is allocated per message.
   */
  decode(base64: string): number {
    const need = Math.ceil((base64.length * 3) / 4) + 3;
    if (need > MAX_DECODED_BYTES) return -1;
    if (need > this.scratch.length) {
      this.scratch = new Uint8Array(Math.min(MAX_DECODED_BYTES, Math.max(need, this.scratch.length * 2)));
    }
    try {
      const r = this.scratch.setFromBase64(base64);
      return r.read === base64.length ? r.written : -1;
    } catch {
      return -1;
    }
  }
}
