/**
 * `make bench`: runs every `bench/*.bench.ts` one after another in its own Bun process and
 * passes its output through. Convention: each bench prints its own figures next to a baseline
 * measured in the same run, so numbers are comparable on whatever machine runs them.
 * `bun run bench/run.ts codec` runs only the benches whose file name contains "codec".
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = import.meta.dir;
const filter = process.argv[2] ?? "";
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && f.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`no bench/*.bench.ts matches "${filter}"`);
  process.exit(1);
}

let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const proc = Bun.spawnSync([process.execPath, "run", join(dir, f)], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if (proc.exitCode !== 0) {
    console.error(`${f} exited with ${proc.exitCode}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
