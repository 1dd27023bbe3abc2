/**
 * Runs sipp 3.6.1 (Debian sip-tester) for interop tests: one call, loopback only, its own
 * control port (-cp binds 0.0.0.0 but only receives), -nostdin, a global -timeout, every SIP
 * message logged (-trace_msg) so tests can count retransmissions. Stopped by PID.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TransportProtocol } from "../../../src/sip/transport/types.ts";
import { freePorts, type PeerProcess, spawnPeer, waitExit, waitForPort } from "../../support/peers.ts";

export const SCENARIOS = join(import.meta.dir, "..", "sipp");

export interface SippRun {
  peer: PeerProcess;
  /** sipp's own SIP port. */
  port: number;
  messageLog(): string;
  /** Exit code, or undefined if it had to be killed after `ms`. */
  finish(ms: number): Promise<number | undefined>;
}

export interface SippOptions {
  scenario: string;
  protocol: TransportProtocol;
  dir: string;
  /** `host:port` to call (UAC scenarios); absent for UAS scenarios. */
  remote?: string;
  service?: string;
  timeoutS?: number;
}

export async function startSipp(o: SippOptions): Promise<SippRun> {
  const [port, media, control] = (await freePorts(3)) as [number, number, number];
  const name = o.scenario.replace(/\.xml$/, "");
  const messageFile = join(o.dir, `${name}-messages.log`);
  const cmd = [
    "sipp",
    "-sf",
    join(SCENARIOS, o.scenario),
    "-t",
    o.protocol === "TCP" ? "t1" : "u1",
    "-i",
    "127.0.0.1",
    "-p",
    String(port),
    "-mi",
    "127.0.0.1",
    "-mp",
    String(media),
    "-cp",
    String(control),
    "-nostdin",
    "-m",
    "1",
    "-timeout",
    String(o.timeoutS ?? 15),
    "-timeout_error",
    "-trace_msg",
    "-message_file",
    messageFile,
    "-trace_err",
    "-error_file",
    join(o.dir, `${name}-errors.log`),
  ];
  if (o.service !== undefined) cmd.push("-s", o.service);
  if (o.remote !== undefined) cmd.push(o.remote);
  const peer = spawnPeer({ name, cmd, dir: o.dir });
  if (o.remote === undefined) await waitForPort(o.protocol === "TCP" ? "tcp" : "udp", port);
  return {
    peer,
    port,
    messageLog: () => {
      try {
        return readFileSync(messageFile, "utf8");
      } catch {
        return "";
      }
    },
    async finish(ms) {
      const code = await waitExit(peer, ms);
      if (code === undefined) await peer.stop();
      return code;
    },
  };
}

/**
 * How many times sipp logged receiving (or sending) a message whose first line starts with
 * `startLine` and whose CSeq is `cseq` (sipp's -trace_msg format: a header line, then the message).
 */
export function countMessages(
  log: string,
  direction: "received" | "sent",
  startLine: string,
  cseq: string,
): number {
  const blocks = log.split(/-{20,}[^\n]*\n/);
  let n = 0;
  for (const b of blocks) {
    const lines = b.split("\n");
    const head = lines.findIndex((l) => /message (received|sent)/.test(l));
    if (head < 0 || !lines[head]!.includes(direction)) continue;
    const first = lines.slice(head + 1).find((l) => l.trim() !== "");
    if (first?.startsWith(startLine) && new RegExp(`^CSeq:\\s*${cseq}\\s*$`, "mi").test(b)) n++;
  }
  return n;
}
