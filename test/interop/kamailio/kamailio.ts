/**
 * Runs kamailio (registrar + proxy with digest auth, `kamailio.cfg` next to this file) on
 * loopback for interop tests: builds the db_text `version`/`subscriber` tables from
 * `users.txt`, starts `kamailio -DD -E` (no daemon, so the PID is the main process) on
 * udp+tcp 127.0.0.1:PORT, and reads registrations with `kamcmd ul.dump` on the ctl socket.
 * Stopped by PID only. Pitfall: db_text needs the version table
 * and nullable `ha1` columns, or every REGISTER gets 401 forever.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, type PeerProcess, spawnPeer, waitForPort } from "../../support/peers.ts";

const HERE = import.meta.dir;

export interface Kamailio {
  readonly port: number;
  readonly dir: string;
  readonly proc: PeerProcess;
  /** `kamcmd ul.dump` output (registered contacts). */
  ulDump(): Promise<string>;
  stop(): Promise<void>;
}

function writeTables(db: string): void {
  mkdirSync(db, { recursive: true });
  writeFileSync(
    join(db, "version"),
    "id(int,auto) table_name(string) table_version(int) \n1:subscriber:7\n2:location:9\n",
  );
  const users = readFileSync(join(HERE, "users.txt"), "utf8")
    .split("\n")
    .filter((l) => !l.trimStart().startsWith("#") && l.includes(":"))
    .map((l, i) => {
      const [user, password] = l.trim().split(":");
      return `${i + 1}:${user}:127.0.0.1:${password}::`;
    });
  writeFileSync(
    join(db, "subscriber"),
    `id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null) \n${users.join("\n")}\n`,
  );
}

/** Starts kamailio on udp+tcp 127.0.0.1:`port`; reuse `dir` to restart with the same tables. */
export async function startKamailio(port: number, dir = makeTempDir("kamailio")): Promise<Kamailio> {
  const db = join(dir, "db");
  writeTables(db);
  mkdirSync(join(dir, "run"), { recursive: true });
  const ctl = `unix:${join(dir, "kamailio_ctl")}`;
  const proc = spawnPeer({
    name: "kamailio",
    dir,
    cmd: [
      "kamailio",
      "-f",
      join(HERE, "kamailio.cfg"),
      "-DD",
      "-E",
      "-m",
      "64",
      "-M",
      "8",
      "-l",
      `udp:127.0.0.1:${port}`,
      "-l",
      `tcp:127.0.0.1:${port}`,
      "-Y",
      join(dir, "run"),
      "-w",
      dir,
      "-a",
      "no",
      `-A`,
      `DBURL="text://${db}"`,
      "-A",
      `CTLSOCK="${ctl}"`,
    ],
  });
  if (!(await waitForPort("tcp", port, "127.0.0.1", 10_000))) {
    await proc.stop();
    throw new Error(`kamailio did not listen on ${port}:\n${proc.log()}`);
  }
  return {
    port,
    dir,
    proc,
    async ulDump() {
      const p = Bun.spawn(["kamcmd", "-s", ctl, "ul.dump"], { stdout: "pipe", stderr: "pipe" });
      const out = await new Response(p.stdout).text();
      await p.exited;
      return out;
    },
    async stop() {
      await proc.stop(5000);
    },
  };
}
