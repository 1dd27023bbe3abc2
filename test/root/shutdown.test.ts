import { describe, expect, test } from "bun:test";
import { nullLogger } from "../../src/lib/logger.ts";
import { ShutdownSequence } from "../../src/shutdown.ts";
import { ManualClock } from "../support/manual-clock.ts";

describe("graceful shutdown sequence", () => {
  test("runs phases in lifecycle order whatever the registration order", async () => {
    const clock = new ManualClock();
    const seq = new ShutdownSequence(clock, clock, nullLogger);
    const order: string[] = [];
    seq.register({
      name: "unregister",
      phase: "unregister-trunks",
      run: () => void order.push("unregister"),
    });
    seq.register({ name: "webhooks", phase: "flush-webhooks", run: () => void order.push("webhooks") });
    seq.register({ name: "calls", phase: "end-calls", run: () => void order.push("calls") });
    seq.register({ name: "http", phase: "stop-accepting", run: () => void order.push("http") });
    const report = await seq.run();
    expect(order).toEqual(["http", "calls", "webhooks", "unregister"]);
    expect(report.completed).toEqual(["http", "calls", "webhooks", "unregister"]);
  });

  test("gives up on a step that outlives its cap and still runs the later phases", async () => {
    const clock = new ManualClock();
    const seq = new ShutdownSequence(clock, clock, nullLogger, 10_000);
    let unregistered = false;
    seq.register({
      name: "stuck-webhooks",
      phase: "flush-webhooks",
      timeoutMs: 5000,
      run: () => new Promise(() => {}),
    });
    seq.register({
      name: "unregister",
      phase: "unregister-trunks",
      run: () => {
        unregistered = true;
      },
    });
    const done = seq.run();
    // Let the sequence reach the webhook phase and arm that step's timer.
    for (let i = 0; i < 50 && clock.pending === 0; i++) await Promise.resolve();
    expect(clock.pending).toBe(1);
    clock.advance(5000);
    const report = await done;
    expect(report.timedOut).toEqual(["stuck-webhooks"]);
    expect(unregistered).toBe(true);
  });

  test("a failing step is reported and does not stop the sequence", async () => {
    const clock = new ManualClock();
    const seq = new ShutdownSequence(clock, clock, nullLogger);
    seq.register({
      name: "boom",
      phase: "end-calls",
      run: () => {
        throw new Error("boom");
      },
    });
    seq.register({ name: "after", phase: "close-listeners", run: () => {} });
    const report = await seq.run();
    expect(report.failed).toEqual(["boom"]);
    expect(report.completed).toEqual(["after"]);
  });

  test("running twice returns the same sequence", async () => {
    const clock = new ManualClock();
    const seq = new ShutdownSequence(clock, clock, nullLogger);
    let runs = 0;
    seq.register({ name: "once", phase: "end-calls", run: () => void runs++ });
    await Promise.all([seq.run(), seq.run()]);
    expect(runs).toBe(1);
  });
});
