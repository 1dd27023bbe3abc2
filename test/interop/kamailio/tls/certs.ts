/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 (SAN IP:127.0.0.1,
 * the iPAddress subjectAltName of RFC 5280 §4.2.1.6), made with the `openssl` CLI in a temp dir,
 * so a TLS client that verifies its peer (the gateway's default) can be made to trust a local
 * kamailio through NODE_EXTRA_CA_CERTS instead of turning verification off.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCertificates {
  /** The CA certificate (PEM) a client must trust. */
  readonly caFile: string;
  /** The server certificate (PEM) signed by the CA, valid for IP 127.0.0.1. */
  readonly certFile: string;
  /** The server certificate's private key (PEM, unencrypted). */
  readonly keyFile: string;
}

function openssl(dir: string, args: string[]): void {
  const r = Bun.spawnSync(["openssl", ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.toString()}`);
}

/** Writes ca.pem, server.pem and server.key into `dir` (EC P-256 keys: fast to make). */
export function makeTestCertificates(dir: string): TestCertificates {
  const caFile = join(dir, "ca.pem");
  const certFile = join(dir, "server.pem");
  const keyFile = join(dir, "server.key");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    caFile,
    "-days",
    "1",
    "-subj",
    "/CN=xbridge interop test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  openssl(dir, ["req", ...ec, "-keyout", keyFile, "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  writeFileSync(
    join(dir, "server.ext"),
    [
      "subjectAltName=IP:127.0.0.1",
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    caFile,
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    certFile,
    "-days",
    "1",
    "-extfile",
    "server.ext",
  ]);
  return { caFile, certFile, keyFile };
}
