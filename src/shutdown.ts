/**
 * The graceful-shutdown sequence of spec/README.md "Process lifecycle" step 4: stop accepting
 * HTTP and SIP work, end calls, stop WebSockets, flush webhooks (≤ 5 s), unregister trunks —
 * in that order, the whole sequence capped at 10 s. Each subsystem registers its step under one
 * of the fixed phases; steps of one phase run concurrently, phases run in order.
 */
import type { Clock, Timers } from "./lib/clock.ts";
import type { Logger } from "./lib/logger.ts";

export const SHUTDOWN_PHASES = [
  "stop-accepting",
  "end-calls",
  "close-streams",
  "flush-webhooks",
  "unregister-trunks",
  "close-listeners",
] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

export interface ShutdownStep {
  name: string;
  phase: ShutdownPhase;
  /** Per-step cap in ms (the whole sequence is capped too). */
  timeoutMs?: number;
  run(): Promise<void> | void;
}

export interface ShutdownReport {
  completed: string[];
  timedOut: string[];
  failed: string[];
  elapsedMs: number;
}

export class ShutdownSequence {
  private readonly steps: ShutdownStep[] = [];
  private running: Promise<ShutdownReport> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly logger: Logger,
    private readonly capMs = 10_000,
  ) {}

  register(step: ShutdownStep): void {
    this.steps.push(step);
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** Runs every step once; a second call returns the same promise. */
  run(): Promise<ShutdownReport> {
    this.running ??= this.execute();
    return this.running;
  }

  private async execute(): Promise<ShutdownReport> {
    const start = this.clock.now();
    const report: ShutdownReport = { completed: [], timedOut: [], failed: [], elapsedMs: 0 };
    for (const phase of SHUTDOWN_PHASES) {
      const left = this.capMs - (this.clock.now() - start);
      const steps = this.steps.filter((s) => s.phase === phase);
      if (left <= 0) {
        report.timedOut.push(...steps.map((s) => s.name));
        continue;
      }
      await Promise.all(
        steps.map(async (s) => {
          const outcome = await this.withTimeout(s, Math.min(left, s.timeoutMs ?? left));
          if (outcome === "ok") report.completed.push(s.name);
          else if (outcome === "timeout") report.timedOut.push(s.name);
          else report.failed.push(s.name);
        }),
      );
    }
    report.elapsedMs = Math.round(this.clock.now() - start);
    this.logger.info("shutdown complete", { ...report });
    return report;
  }

  private withTimeout(step: ShutdownStep, ms: number): Promise<"ok" | "timeout" | "failed"> {
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(() => {
        this.logger.warn("shutdown step timed out", { step: step.name, ms });
        resolve("timeout");
      }, ms);
      Promise.resolve()
        .then(() => step.run())
        .then(
          () => {
            this.timers.clearTimeout(timer);
            resolve("ok");
          },
          (e: unknown) => {
            this.timers.clearTimeout(timer);
            this.logger.error("shutdown step failed", { step: step.name, error: String(e) });
            resolve("failed");
          },
        );
    });
  }
}
