/**
 * Loads the RFC 4475 torture fixtures (test/vectors/rfc4475, one file per message, named as in
 * the RFC) for the table-driven tests next to this file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dir, "../../vectors/rfc4475");

export function load(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DIR, `${name}.dat`)));
}

/** Names of every fixture on disk. */
export function fixtureNames(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".dat"))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** The 13 valid messages of RFC 4475 §3.1.1, in the RFC's order. */
export const VALID_NAMES: readonly string[] = [
  "wsinv",
  "intmeth",
  "esc01",
  "escnull",
  "esc02",
  "lwsdisp",
  "longreq",
  "dblreq",
  "semiuri",
  "transports",
  "mpart01",
  "unreason",
  "noreason",
];
