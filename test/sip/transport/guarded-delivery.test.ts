import { describe, expect, test } from "bun:test";
import { type Logger, nullLogger } from "../../../src/lib/logger.ts";
import { guardedDelivery, type Inbound } from "../../../src/sip/transport/types.ts";

const inbound: Inbound = {
  protocol: "TCP",
  data: new Uint8Array([1]),
  remote: { address: "::1", port: 5070 },
  local: { address: "::1", port: 5060 },
};

describe("guardedDelivery", () => {
  test("a handler that throws is logged as an error instead of escaping the socket callback", () => {
    const errors: Array<{ msg: string; remote: unknown }> = [];
    const logger: Logger = {
      ...nullLogger,
      error: (msg, fields) => void errors.push({ msg, remote: fields?.remote }),
    };
    const deliver = guardedDelivery(() => {
      throw new Error("boom");
    }, logger);
    expect(() => deliver(inbound)).not.toThrow();
    expect(errors).toEqual([{ msg: "sip: handler threw on an inbound message (bug)", remote: "[::1]:5070" }]);
  });

  test("passes each message through unchanged when the handler does not throw", () => {
    const seen: Inbound[] = [];
    guardedDelivery((m) => void seen.push(m), nullLogger)(inbound);
    expect(seen).toEqual([inbound]);
  });
});
