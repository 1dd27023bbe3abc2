/**
 * Runs one pure transaction machine in a test: keeps the timers its actions start, fires them
 * in due order as time advances, and records what it sent and told the TU.
 */
import type { Step, TimerName, TransactionAction } from "../../../src/sip/transaction/index.ts";

export class Driver<S, I> {
  now = 0;
  state: S;
  readonly timers = new Map<TimerName, number>();
  readonly sent: Array<{ at: number; action: Extract<TransactionAction, { type: "send" }> }> = [];
  readonly tu: Array<{ at: number; action: TransactionAction }> = [];
  terminatedAt: number | undefined;

  constructor(
    private readonly step: (state: S, input: I | { type: "timer"; timer: TimerName }, now: number) => Step<S>,
    initial: Step<S>,
  ) {
    this.state = initial.state;
    this.apply(initial.actions);
  }

  feed(input: I): TransactionAction[] {
    const s = this.step(this.state, input, this.now);
    this.state = s.state;
    this.apply(s.actions);
    return s.actions;
  }

  /** Advances to `t`, firing due timers in order (each sees its own due time as `now`). */
  advanceTo(t: number): void {
    for (;;) {
      let next: [TimerName, number] | undefined;
      for (const e of this.timers) if (e[1] <= t && (next === undefined || e[1] < next[1])) next = e;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.now = next[1];
      const s = this.step(this.state, { type: "timer", timer: next[0] }, this.now);
      this.state = s.state;
      this.apply(s.actions);
    }
    this.now = t;
  }

  sentTimes(): number[] {
    return this.sent.map((s) => s.at);
  }

  private apply(actions: TransactionAction[]): void {
    for (const a of actions) {
      if (a.type === "send") this.sent.push({ at: this.now, action: a });
      else if (a.type === "start-timer") this.timers.set(a.timer, a.due);
      else if (a.type === "stop-timer") this.timers.delete(a.timer);
      else if (a.type === "terminated") {
        this.terminatedAt = this.now;
        this.timers.clear();
      } else this.tu.push({ at: this.now, action: a });
    }
  }
}
