import { describe, expect, test } from "bun:test";
import { ReplayWindow } from "../../src/srtp/replay-window.ts";

describe("replay window (RFC 3711 §3.3.2)", () => {
  test("accepts new indices and rejects one already seen", () => {
    const w = new ReplayWindow();
    expect(w.check(10)).toBe(true);
    w.accept(10);
    expect(w.check(10)).toBe(false);
    expect(w.check(11)).toBe(true);
  });

  test("accepts late packets inside the 64-packet window once, rejects older ones", () => {
    const w = new ReplayWindow();
    w.accept(100);
    for (const i of [99, 70, 37]) {
      expect(w.check(i)).toBe(true);
      w.accept(i);
      expect(w.check(i)).toBe(false);
    }
    expect(w.check(36)).toBe(false);
    expect(w.check(38)).toBe(true);
  });

  test("remembers indices across shifts of more than 32 and wraps of the bitmap words", () => {
    const w = new ReplayWindow();
    w.accept(1000);
    w.accept(1040);
    expect(w.check(1000)).toBe(false);
    expect(w.check(1001)).toBe(true);
    w.accept(1050);
    expect(w.check(1000)).toBe(false);
    expect(w.check(1040)).toBe(false);
    w.accept(1064);
    expect(w.check(1000)).toBe(false);
    expect(w.check(1001)).toBe(true);
    w.accept(2000);
    expect(w.check(1990)).toBe(true);
    expect(w.check(1936)).toBe(false);
  });
});
