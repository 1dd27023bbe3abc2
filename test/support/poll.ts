/**
 * Condition pollers for the e2e and interop tests: wait for a state instead of sleeping a
 * fixed time, bounded by a deadline (the test rules forbid unbounded loops).
 */

/** Polls `check` every `everyMs` until it holds (true) or `ms` passes (false). */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms: number,
  everyMs = 50,
): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await Bun.sleep(everyMs);
  }
  return false;
}

/** Polls `get` every `everyMs` until `ok` holds for its value or `ms` passes; returns the last value. */
export async function untilValue<T>(
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
  everyMs = 100,
): Promise<T> {
  const deadline = performance.now() + ms;
  let v = await get();
  while (!ok(v) && performance.now() < deadline) {
    await Bun.sleep(everyMs);
    v = await get();
  }
  return v;
}
