/**
 * SRTP cost per 20 ms packet (12-byte header + 160-byte PCMU payload): protect and unprotect
 * with AES_CM_128_HMAC_SHA1_80, against a plain copy of the same packet measured in this run.
 * Run alone: `bun run bench/srtp.bench.ts`.
 */
import { writeRtpHeader } from "../src/rtp/rtp-packet.ts";
import { SrtpContext } from "../src/srtp/srtp-context.ts";

const N = 200_000;
const material = {
  suite: "AES_CM_128_HMAC_SHA1_80" as const,
  masterKey: new Uint8Array(16).fill(1),
  masterSalt: new Uint8Array(14).fill(2),
};

function measure(name: string, fn: (i: number) => void): number {
  for (let i = 0; i < 20_000; i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) fn(i);
  const us = ((performance.now() - t0) * 1000) / N;
  console.log(`${name.padEnd(34)} ${us.toFixed(3)} µs/packet`);
  return us;
}

const plain = new Uint8Array(172 + 10);
writeRtpHeader(plain, 0, false, 0, 0, 0x1234);
plain.fill(0x55, 12, 172);
const work = new Uint8Array(plain.length);

const baseline = measure("baseline: copy 172-byte packet", () => {
  work.set(plain);
});

const tx = new SrtpContext(material);
const protect = measure("protect (SHA1_80)", (i) => {
  work.set(plain);
  work[2] = (i >> 8) & 0xff;
  work[3] = i & 0xff;
  tx.protectRtp(work, 172);
});

// Pre-protect a sequence so unprotect sees fresh indices (no replay rejections).
const M = 4096;
const sender = new SrtpContext(material);
const packets: Uint8Array[] = [];
for (let i = 0; i < M; i++) {
  const p = plain.slice();
  p[2] = (i >> 8) & 0xff;
  p[3] = i & 0xff;
  sender.protectRtp(p, 172);
  packets.push(p);
}
let rx = new SrtpContext(material);
let ok = 0;
const unprotect = measure("unprotect (SHA1_80)", (i) => {
  const k = i % M;
  if (k === 0) rx = new SrtpContext(material);
  work.set(packets[k]!);
  if (rx.unprotectRtp(work, 182) === 172) ok++;
});
if (ok === 0) throw new Error("unprotect never succeeded: the benchmark is not measuring the success path");

console.log(
  `protect ${(protect - baseline).toFixed(3)} µs, unprotect ${(unprotect - baseline).toFixed(3)} µs above the copy baseline`,
);
