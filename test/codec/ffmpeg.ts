/**
 * Runs ffmpeg as a codec oracle (see /work/shared/peers/README.md §5 for the commands): raw
 * bytes in through a temp file, raw bytes out. Tests guard with skipWithout("ffmpeg").
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `ffmpeg <inputArgs> -i in <outputArgs> out` on `input` and returns the output bytes. */
export function ffmpeg(inputArgs: string[], input: Uint8Array, outputArgs: string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "xbridge-codec-"));
  try {
    const inPath = join(dir, "in.raw");
    const outPath = join(dir, "out.raw");
    writeFileSync(inPath, input);
    const run = Bun.spawnSync([
      "ffmpeg",
      "-nostdin",
      "-loglevel",
      "error",
      "-y",
      ...inputArgs,
      "-i",
      inPath,
      ...outputArgs,
      outPath,
    ]);
    if (run.exitCode !== 0) throw new Error(`ffmpeg failed: ${run.stderr.toString()}`);
    return new Uint8Array(readFileSync(outPath));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function bytesOf(pcm: Int16Array): Uint8Array {
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

export function pcmOf(bytes: Uint8Array): Int16Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Int16Array(copy.buffer, 0, copy.byteLength >> 1);
}
