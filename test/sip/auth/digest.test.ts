import { describe, expect, test } from "bun:test";
import { computeResponse } from "../../../src/sip/auth/digest.ts";
import { buildAuthorization, parseChallenge } from "../../../src/sip/auth/digest-client.ts";
import { parseDigestParams } from "../../../src/sip/auth/digest-params.ts";
import { seededRandom } from "../../support/seeded-random.ts";

// RFC 7616 §3.9.1 example: same inputs for both algorithms.
const RFC7616 = {
  username: "Mufasa",
  password: "Circle of Life",
  realm: "http-auth@example.org",
  method: "GET",
  uri: "/dir/index.html",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  nc: "00000001",
  qop: "auth" as const,
};

describe("digest response computation", () => {
  test("matches the RFC 2617 §3.5 example (MD5, qop=auth)", () => {
    const r = computeResponse({
      algorithm: "MD5",
      username: "Mufasa",
      password: "Circle Of Life",
      realm: "testrealm@host.com",
      method: "GET",
      uri: "/dir/index.html",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      qop: "auth",
      nc: "00000001",
      cnonce: "0a4f113b",
    });
    expect(r).toBe("6629fae49393a05397450978507c4ef1");
  });

  test("matches the RFC 7616 §3.9.1 MD5 example", () => {
    expect(computeResponse({ ...RFC7616, algorithm: "MD5" })).toBe("8ca523f5e9506fed4657c9700eebdbec");
  });

  test("matches the RFC 7616 §3.9.1 SHA-256 example", () => {
    expect(computeResponse({ ...RFC7616, algorithm: "SHA-256" })).toBe(
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    );
  });

  test("without qop uses the RFC 2069 form H(HA1:nonce:HA2)", () => {
    const withQop = computeResponse({ ...RFC7616, algorithm: "MD5" });
    const { qop: _q, nc: _n, cnonce: _c, ...plain } = RFC7616;
    const noQop = computeResponse({ ...plain, algorithm: "MD5" });
    expect(noQop).toMatch(/^[0-9a-f]{32}$/);
    expect(noQop).not.toBe(withQop);
  });
});

describe("challenge parsing (client side)", () => {
  test("reads realm, nonce, opaque, algorithm, qop list and stale", () => {
    const c = parseChallenge(
      'Digest realm="atlanta.com", nonce="84a4cc6f", opaque="5ccc", algorithm=SHA-256, qop="auth,auth-int", stale=TRUE',
    );
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.value).toEqual({
      realm: "atlanta.com",
      nonce: "84a4cc6f",
      opaque: "5ccc",
      algorithm: "SHA-256",
      qop: ["auth", "auth-int"],
      stale: true,
    });
  });

  test("defaults to MD5 and no qop when the challenge names neither", () => {
    const c = parseChallenge('Digest realm="r", nonce="n"');
    expect(c.ok && c.value.algorithm).toBe("MD5");
    expect(c.ok && c.value.qop).toEqual([]);
  });

  test("rejects an unsupported algorithm, a missing nonce and a Basic challenge", () => {
    expect(parseChallenge('Digest realm="r", nonce="n", algorithm=SHA-1').ok).toBe(false);
    expect(parseChallenge('Digest realm="r"').ok).toBe(false);
    expect(parseChallenge('Basic realm="r"').ok).toBe(false);
  });

  test("unescapes quoted-pairs in quoted strings", () => {
    const p = parseDigestParams('Digest realm="a\\"b", nonce="x"');
    expect(p.ok && p.value.get("realm")).toBe('a"b');
  });

  test("malformed headers return errors and never throw", () => {
    const bad = [
      "",
      "Digest",
      "Digest ",
      'Digest realm="unterminated',
      "Digest realm=",
      'Digest realm="a" nonce="b"',
      'Digest realm="a", realm="b", nonce="c"',
      "Digest =x",
      'Digest realm="a\\',
      `Digest ${"a=b, ".repeat(2000)}`,
      "Digest \u0000=\u0001",
    ];
    for (const h of bad) {
      expect(() => parseChallenge(h)).not.toThrow();
      expect(parseChallenge(h).ok).toBe(false);
    }
  });
});

describe("building Authorization (client side)", () => {
  test("answers a qop=auth challenge with the RFC 2617 §3.5 response, opaque echoed", () => {
    const c = parseChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    if (!c.ok) throw new Error(c.error.reason);
    const value = buildAuthorization(
      c.value,
      { username: "Mufasa", password: "Circle Of Life" },
      { method: "GET", uri: "/dir/index.html", nc: 1, cnonce: "0a4f113b" },
      seededRandom(1),
    );
    const p = parseDigestParams(value);
    if (!p.ok) throw new Error(p.error.reason);
    expect(p.value.get("response")).toBe("6629fae49393a05397450978507c4ef1");
    expect(p.value.get("opaque")).toBe("5ccc069c403ebaf9f0171e9517f40e41");
    expect(p.value.get("qop")).toBe("auth");
    expect(p.value.get("nc")).toBe("00000001");
    expect(p.value.get("uri")).toBe("/dir/index.html");
  });

  test("omits qop, nc and cnonce when the challenge offers no qop", () => {
    const c = parseChallenge('Digest realm="r", nonce="n"');
    if (!c.ok) throw new Error(c.error.reason);
    const value = buildAuthorization(
      c.value,
      { username: "u", password: "p" },
      { method: "REGISTER", uri: "sip:h" },
      seededRandom(2),
    );
    const p = parseDigestParams(value);
    if (!p.ok) throw new Error(p.error.reason);
    expect(p.value.has("qop")).toBe(false);
    expect(p.value.has("nc")).toBe(false);
    expect(p.value.has("cnonce")).toBe(false);
    expect(p.value.get("response")).toBe(
      computeResponse({
        algorithm: "MD5",
        username: "u",
        password: "p",
        realm: "r",
        method: "REGISTER",
        uri: "sip:h",
        nonce: "n",
      }),
    );
  });

  test("draws a fresh 128-bit cnonce from the injected Random", () => {
    const c = parseChallenge('Digest realm="r", nonce="n", qop="auth"');
    if (!c.ok) throw new Error(c.error.reason);
    const a = parseDigestParams(
      buildAuthorization(
        c.value,
        { username: "u", password: "p" },
        { method: "INVITE", uri: "sip:x" },
        seededRandom(3),
      ),
    );
    const b = parseDigestParams(
      buildAuthorization(
        c.value,
        { username: "u", password: "p" },
        { method: "INVITE", uri: "sip:x" },
        seededRandom(4),
      ),
    );
    if (!a.ok || !b.ok) throw new Error("unparseable");
    expect(a.value.get("cnonce")).toMatch(/^[0-9a-f]{32}$/);
    expect(a.value.get("cnonce")).not.toBe(b.value.get("cnonce"));
  });
});
