/**
 * Throwaway self-signed P-256 certificate + key pairs for the TLS config checks, made with the
 * openssl CLI at test time (callers skip when openssl is missing: test/support/peers.ts).
 */
import { join } from "node:path";

export interface TlsPair {
  cert: string;
  key: string;
}

/** Writes `<name>.crt` and `<name>.key` into `dir`, valid for one day, CN=localhost. */
export async function makeTlsPair(dir: string, name: string): Promise<TlsPair> {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const proc = Bun.spawn(
    ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
      "-subj",
      "/CN=localhost",
      "-days",
      "1",
      "-keyout",
      pair.key,
      "-out",
      pair.cert,
    ]),
    { stdout: "ignore", stderr: "pipe" },
  );
  const code = await proc.exited;
  if (code !== 0) throw new Error(`openssl exited ${code}: ${await new Response(proc.stderr).text()}`);
  return pair;
}
