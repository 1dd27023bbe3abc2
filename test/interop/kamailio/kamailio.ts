/**
 * Runs kamailio (registrar + proxy with digest auth, `kamailio.cfg` next to this file) on
 * loopback for interop tests: builds the db_text `version`/`subscriber` tables from
 * `users.txt`, starts `kamailio -DD -E` (no daemon, so the PID is the main process) on
 * udp+tcp 127.0.0.1:PORT, and reads registrations with `kamcmd ul.dump` on the ctl socket.
 * Stopped by PID only. Pitfall: db_text needs the version table
 * and nullable `ha1` columns, or every REGISTER gets 401 forever.
 * With the optional `tls` argument it runs `tls/kamailio-tls.cfg` instead (the same cfg plus
 * the tls module) and also listens on tls:127.0.0.1:`tls.port` with the given certificate.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, type PeerProcess, spawnPeer, waitForPort } from "../../support/peers.ts";

const HERE = import.meta.dir;

/** A TLS listener for kamailio: its port and the server certificate/key PEM files. */
export interface KamailioTls {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface Kamailio {
  readonly port: number;
  readonly dir: string;
  readonly proc: PeerProcess;
  /** `kamcmd ul.dump` output (registered contacts). */
  ulDump(): Promise<string>;
  /** Output of any other `kamcmd` command on the ctl socket (e.g. `stats.get_statistics tcp:`). */
  kamcmd(...args: string[]): Promise<string>;
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

/**
 * Starts kamailio on udp+tcp 127.0.0.1:`port` (and tls 127.0.0.1:`tls.port` when given); reuse
 * `dir` to restart with the same tables.
 */
export async function startKamailio(
  port: number,
  dir = makeTempDir("kamailio"),
  tls?: KamailioTls,
): Promise<Kamailio> {
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
      tls === undefined ? join(HERE, "kamailio.cfg") : join(HERE, "tls", "kamailio-tls.cfg"),
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
      ...(tls === undefined
        ? []
        : [
            "-l",
            `tls:127.0.0.1:${tls.port}`,
            "-A",
            `TLSCERT="${tls.certFile}"`,
            "-A",
            `TLSKEY="${tls.keyFile}"`,
          ]),
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
  for (const p of tls === undefined ? [port] : [port, tls.port]) {
    if (!(await waitForPort("tcp", p, "127.0.0.1", 10_000))) {
      await proc.stop();
      throw new Error(`kamailio did not listen on ${p}:\n${proc.log()}`);
    }
  }
  const kamcmd = async (...args: string[]): Promise<string> => {
    const p = Bun.spawn(["kamcmd", "-s", ctl, ...args], { stdout: "pipe", stderr: "pipe" });
    const out = await new Response(p.stdout).text();
    await p.exited;
    return out;
  };
  return {
    port,
    dir,
    proc,
    ulDump: () => kamcmd("ul.dump"),
    kamcmd,
    async stop() {
      await proc.stop(5000);
    },
  };
}
