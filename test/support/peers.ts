/**
 * Detects the external programs that interop and oracle tests run (ffmpeg, sox, sipp,
 * baresip…). A test that needs one is skipped when it is missing, unless the environment sets
 * XBRIDGE_REQUIRE_PEERS=1 (CI does): then the test runs and fails on the missing program.
 */

const found = new Map<string, boolean>();

/** True when `program` is on PATH (cached). */
export function hasProgram(program: string): boolean {
  let ok = found.get(program);
  if (ok === undefined) {
    ok = Bun.which(program) !== null;
    found.set(program, ok);
  }
  return ok;
}

/** True when missing programs must fail tests rather than skip them. */
export const peersRequired: boolean = process.env.XBRIDGE_REQUIRE_PEERS === "1";

/**
 * Whether a test needing `programs` should be skipped: only when one is missing and peers are
 * not required. Use as `test.skipIf(skipWithout("ffmpeg"))(…)`.
 */
export function skipWithout(...programs: string[]): boolean {
  return !peersRequired && programs.some((p) => !hasProgram(p));
}
