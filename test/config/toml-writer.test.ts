import { describe, expect, test } from "bun:test";
import { tomlKey, tomlValue, toToml } from "./support/toml.ts";

describe("TOML test writer", () => {
  const trees: Array<[string, Record<string, unknown>]> = [
    ["scalars of every kind", { s: "x", i: 42, neg: -1, f: 1.5, b: true, off: false }],
    ["strings needing escapes", { q: 'say "hi"', bs: "a\\b", nl: "a\nb", tab: "a\tb", uni: "0–9 ≥" }],
    ["keys that are not bare", { "a.b": 1, "with space": 2, "": 3 }],
    ["nested tables", { listen: { http: "127.0.0.1:8080" }, a: { b: { c: 1 } } }],
    ["arrays of scalars and empty arrays", { codecs: ["ulaw", "alaw"], empty: [], nums: [1, 2] }],
    [
      "arrays of tables with sub-tables after scalar keys",
      {
        server: {
          listen: "0.0.0.0:5080",
          peers: [
            { name: "pbx", host: "192.168.1.10", auth: { username: "u", password: "p" } },
            { name: "carrier", hosts: ["54.172.60.0/30"] },
          ],
        },
        webhook: { url: "http://app:3000/events" },
      },
    ],
    ["an array mixing tables and scalars stays inline", { mixed: [{ a: 1 }, 2] }],
    ["a table inside a table array inside a table array", { t: [{ u: [{ v: { w: 1 } }] }] }],
  ];
  for (const [name, tree] of trees) {
    test(`round-trips ${name} through Bun's TOML parser`, () => {
      expect(Bun.TOML.parse(toToml(tree))).toEqual(tree);
    });
  }

  test("writes sections as [table] and [[array.of.tables]] headers", () => {
    const text = toToml({
      listen: { http: "a" },
      server: { peers: [{ name: "p", auth: { username: "u" } }] },
    });
    expect(text.split("\n")).toEqual([
      "[listen]",
      'http = "a"',
      "",
      "[server]",
      "",
      "[[server.peers]]",
      'name = "p"',
      "",
      "[server.peers.auth]",
      'username = "u"',
      "",
    ]);
  });

  test("quotes keys that are not bare and writes floats TOML reads back as floats", () => {
    expect(tomlKey("rtp_port-min")).toBe("rtp_port-min");
    expect(tomlKey("a.b")).toBe('"a.b"');
    expect(tomlValue(2.5)).toBe("2.5");
    expect(tomlValue(1e21)).toBe("1e+21");
    expect(tomlValue(2 ** 60)).toBe("1152921504606847000.0");
    expect(Bun.TOML.parse(`x = ${tomlValue(1e-7)}`)).toEqual({ x: 1e-7 });
  });

  test("refuses null, which TOML cannot express", () => {
    expect(() => toToml({ a: null })).toThrow("TOML cannot express null");
  });
});
