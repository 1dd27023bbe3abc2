/**
 * Reads a byte stream whole, up to a cap (DESIGN.md "Bounded everything"). Every HTTP body the
 * gateway takes from a peer it does not control (REST request bodies, webhook responses, audio
 * URLs) is read through here, so no peer can make it buffer more than the cap, whatever it
 * declares in `Content-Length` or leaves out.
 */
/**
 * The whole of `body`, or undefined as soon as it passes `maxBytes` (the rest is not read).
 * A read error (the peer went away) rejects, as `ReadableStream` does.
 */
export async function readBounded(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Not awaited: a stalled sender must not hold the caller past the cap check.
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  // Not concatBytes(...chunks): a 50 MiB body may come in more chunks than a call takes arguments.
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
