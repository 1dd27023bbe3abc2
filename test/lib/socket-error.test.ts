import { describe, expect, test } from "bun:test";
import { socketErrorText } from "../../src/lib/socket-error.ts";

describe("socket error text", () => {
  test("names the error whether Bun passes (error) or (socket, error)", () => {
    const e = new Error("ECONNREFUSED: connection refused, recv");
    expect(socketErrorText(e)).toBe("ECONNREFUSED: connection refused, recv");
    expect(socketErrorText({ port: 5 }, e)).toBe("ECONNREFUSED: connection refused, recv");
    expect(socketErrorText("EHOSTUNREACH")).toBe("EHOSTUNREACH");
  });
});
