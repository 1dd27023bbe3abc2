import { describe, expect, test } from "bun:test";
import { createStdoutLogger, parseLogLevel } from "../../src/runtime/stdout-logger.ts";

function capture(level: Parameters<typeof createStdoutLogger>[0]) {
  const lines: string[] = [];
  const logger = createStdoutLogger(level, (l) => lines.push(l));
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("stdout JSON logger", () => {
  test("writes one JSON object per event with timestamp, level and message", () => {
    const { logger, parsed } = capture("info");
    logger.info("call started", { call_id: "CA1" });
    const [line] = parsed();
    expect(line).toMatchObject({ level: "info", msg: "call started", call_id: "CA1" });
    expect(String(line!.ts)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test("never writes passwords, API keys, tokens or Authorization values", () => {
    const { logger, lines } = capture("trace");
    logger.info("registering", {
      password: "s3cret",
      api_key: "k3y",
      token: "t0k",
      authorization: "Bearer zz",
    });
    logger.child({ password: "childpw" }).warn("child");
    const text = lines.join("\n");
    for (const secret of ["s3cret", "k3y", "t0k", "Bearer zz", "childpw"]) expect(text).not.toContain(secret);
    expect(text).toContain('"password":"[redacted]"');
  });

  test("drops events below the configured level", () => {
    const { logger, lines } = capture("warn");
    logger.info("quiet");
    logger.debug("quieter");
    logger.warn("loud");
    logger.error("louder");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["loud", "louder"]);
    expect(logger.enabled("debug")).toBe(false);
    expect(logger.enabled("error")).toBe(true);
  });

  test("child loggers add their fields to every line", () => {
    const { logger, parsed } = capture("info");
    logger.child({ component: "sip" }).child({ call_id: "CA2" }).info("bye");
    expect(parsed()[0]).toMatchObject({ component: "sip", call_id: "CA2", msg: "bye" });
  });

  test("XBRIDGE_LOG_LEVEL is read case-insensitively and defaults to info", () => {
    expect(parseLogLevel("DEBUG")).toBe("debug");
    expect(parseLogLevel(" trace ")).toBe("trace");
    expect(parseLogLevel(undefined)).toBe("info");
    expect(parseLogLevel("verbose")).toBe("info");
  });
});
