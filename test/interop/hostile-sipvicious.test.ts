/**
 * SIPVicious 0.3.3 (svmap, svwar, svcrack) against the real gateway's trunk host — the scans
 * every public SIP port receives within minutes of going online. The trunk host here trusts no
 * address and knows one digest peer, so: svmap must find it (OPTIONS from anyone → 200, sip.md
 * §3); svwar's extension scans (OPTIONS, and INVITE with --force) must finish without one
 * INVITE reaching the app; svcrack with a wrong-password list must find nothing. After each
 * tool the process runs, `/health` and an OPTIONS answer 200.
 *
 * Recipes per ../shared/peers/README.md §4: always `-x 127.0.0.1` and `-P <port>`; svwar and
 * svcrack ignore `-b` and bind 0.0.0.0 (targets stay loopback); never `-R` (reportback).
 * Skipped when sipvicious is missing unless XBRIDGE_REQUIRE_PEERS=1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { expectAlive } from "../support/liveness.ts";
import { freePorts, makeTempDir, skipWithout, spawnPeer, waitExit } from "../support/peers.ts";

const skip = skipWithout("svmap", "svwar", "svcrack");
const RIGHT_PASSWORD = "Corr3ct-Horse-Battery";
const WRONG_PASSWORDS = ["123456", "password", "branch", "letmein", "1234", "admin", "s3cret", "qwerty"];
const EXTENSIONS = ["100", "101", "1000", "alice", "branch", "admin", "operator"];

/** Runs one sipvicious tool to completion (stopped by PID after `timeoutMs`); exit code and output. */
async function runTool(dir: string, name: string, args: string[], timeoutMs: number) {
  const peer = spawnPeer({ name, cmd: [name, ...args], dir });
  const exit = await waitExit(peer, timeoutMs);
  if (exit === undefined) await peer.stop();
  return { exit, out: peer.log() };
}

describe.skipIf(skip)("sipvicious scans against the trunk host", () => {
  let rig: CallRig;
  let dir: string;
  let localPorts: number[];
  beforeAll(async () => {
    rig = await startCallRig({
      peers: [{ name: "branch", auth: { username: "branch", password: RIGHT_PASSWORD } }],
    });
    dir = makeTempDir("hostile-sipvicious");
    writeFileSync(join(dir, "ext.txt"), `${EXTENSIONS.join("\n")}\n`);
    writeFileSync(join(dir, "pw.txt"), `${WRONG_PASSWORDS.join("\n")}\n`);
    localPorts = await freePorts(4);
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("svmap finds the gateway because it answers OPTIONS", async () => {
    const r = await runTool(
      dir,
      "svmap",
      [
        "-b",
        "127.0.0.1",
        "-x",
        "127.0.0.1",
        "-P",
        String(localPorts[0]),
        "-p",
        String(rig.sipPort),
        "127.0.0.1",
      ],
      15_000,
    );
    expect(r.exit, r.out).toBe(0);
    expect(r.out).toContain(`127.0.0.1:${rig.sipPort}`);
    await expectAlive(rig);
  }, 20_000);

  test("svwar's OPTIONS extension scan completes and the gateway keeps running", async () => {
    const args = ["-x", "127.0.0.1", "-P", String(localPorts[1]), "-p", String(rig.sipPort)];
    const r = await runTool(
      dir,
      "svwar",
      [...args, "-d", join(dir, "ext.txt"), "-m", "OPTIONS", "127.0.0.1"],
      15_000,
    );
    expect(r.exit, r.out).toBe(0);
    expect(r.out).not.toMatch(/Traceback/);
    await expectAlive(rig);
  }, 20_000);

  test("svwar's forced INVITE extension scan completes, every INVITE is challenged and none reaches the app", async () => {
    const args = ["-x", "127.0.0.1", "-P", String(localPorts[2]), "-p", String(rig.sipPort), "--force"];
    const r = await runTool(
      dir,
      "svwar",
      [...args, "-d", join(dir, "ext.txt"), "-m", "INVITE", "127.0.0.1"],
      20_000,
    );
    expect(r.exit, r.out).toBe(0);
    expect(r.out).not.toMatch(/Traceback/);
    // svwar prints the responses it does not understand: only challenges, no call, no server error.
    expect(r.out).toContain("SIP/2.0 401 Unauthorized");
    expect(r.out).not.toMatch(/SIP\/2\.0 [25]\d\d/);
    expect(rig.app.incoming).toHaveLength(0);
    await expectAlive(rig);
  }, 25_000);

  test("svcrack with a wrong-password list finds no password for the digest peer", async () => {
    const args = [
      "-x",
      "127.0.0.1",
      "-P",
      String(localPorts[3]),
      "-p",
      String(rig.sipPort),
      "--maximumtime",
      "3",
    ];
    const r = await runTool(
      dir,
      "svcrack",
      [...args, "-u", "branch", "-d", join(dir, "pw.txt"), "127.0.0.1"],
      20_000,
    );
    expect(r.exit, r.out).toBe(0);
    expect(r.out).toContain("found nothing");
    for (const pw of WRONG_PASSWORDS) expect(r.out).not.toMatch(new RegExp(`\\|\\s*${pw}\\s*\\|`));
    expect(rig.app.incoming).toHaveLength(0);
    await expectAlive(rig);
  }, 25_000);
});
