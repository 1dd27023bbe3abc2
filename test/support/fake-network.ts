/**
 * A fake SIP network for component tests: endpoints exchange serialized messages (each
 * delivery re-parses the bytes, as a real peer would) after a latency, on a ManualClock.
 * Packets can be dropped by rule (lossy link) and given random extra delay from a seeded
 * Random (reordering). Every send is logged with its time, so tests can assert the exact
 * retransmission schedule.
 */
import type { Timers } from "../../src/lib/clock.ts";
import type { Random } from "../../src/lib/random.ts";
import { parseMessage, type SipMessage, serializeMessage } from "../../src/sip/message/index.ts";

export interface Sent {
  at: number;
  from: string;
  to: string;
  message: SipMessage;
  /** `INVITE`, `ACK`, `200 INVITE` (status and CSeq method) … */
  summary: string;
  dropped: boolean;
}

export type DropRule = (packet: Sent) => boolean;

export interface FakeNetworkOptions {
  timers: Timers & { now(): number };
  /** One-way delay in ms (default 10). */
  latencyMs?: number;
  /** With `jitterMs`, each packet gets an extra random delay in [0, jitterMs), so packets may overtake. */
  random?: Random;
  jitterMs?: number;
}

export function summarize(m: SipMessage): string {
  if (m.kind === "request") return m.method;
  const cseq = m.headers.find((h) => h.name.toLowerCase() === "cseq")?.value.split(/\s+/)[1] ?? "?";
  return `${m.status} ${cseq}`;
}

export class FakeNetwork {
  readonly log: Sent[] = [];
  private readonly handlers = new Map<string, (message: SipMessage, from: string) => void>();
  private readonly rules: Array<{ rule: DropRule; remaining: number }> = [];

  constructor(private readonly opts: FakeNetworkOptions) {}

  /** Registers the receiver for an address. */
  attach(address: string, handler: (message: SipMessage, from: string) => void): void {
    this.handlers.set(address, handler);
  }

  /** Drops the next `count` packets matching `rule` (Infinity: all of them). */
  drop(rule: DropRule, count = 1): void {
    this.rules.push({ rule, remaining: count });
  }

  send(from: string, to: string, message: SipMessage): void {
    const packet: Sent = {
      at: this.opts.timers.now(),
      from,
      to,
      message,
      summary: summarize(message),
      dropped: false,
    };
    this.log.push(packet);
    const match = this.rules.find((r) => r.remaining > 0 && r.rule(packet));
    if (match !== undefined) {
      match.remaining--;
      packet.dropped = true;
      return;
    }
    const bytes = serializeMessage(message);
    const jitter =
      this.opts.random !== undefined && this.opts.jitterMs ? this.opts.random.int(this.opts.jitterMs) : 0;
    this.opts.timers.setTimeout(
      () => {
        const parsed = parseMessage(bytes);
        if (parsed.ok) this.handlers.get(to)?.(parsed.value, from);
      },
      (this.opts.latencyMs ?? 10) + jitter,
    );
  }

  /** Send times (ms) of the packets from `from` whose summary is `summary`, dropped ones included. */
  times(from: string, summary: string): number[] {
    return this.log.filter((p) => p.from === from && p.summary === summary).map((p) => p.at);
  }
}
