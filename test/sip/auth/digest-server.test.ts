import { describe, expect, test } from "bun:test";
import { buildAuthorization, parseChallenge } from "../../../src/sip/auth/digest-client.ts";
import { parseDigestParams } from "../../../src/sip/auth/digest-params.ts";
import { buildChallenge, verifyAuthorization } from "../../../src/sip/auth/digest-server.ts";
import { NONCE_LIFETIME_MS, NonceStore } from "../../../src/sip/auth/nonce-store.ts";
import { seededRandom } from "../../support/seeded-random.ts";

const PASSWORDS: Record<string, string> = { alice: "alicepw" };
const passwordFor = (u: string) => PASSWORDS[u];

function authorize(challengeValue: string, password: string, nc = 1, method = "INVITE"): string {
  const c = parseChallenge(challengeValue);
  if (!c.ok) throw new Error(c.error.reason);
  return buildAuthorization(
    c.value,
    { username: "alice", password },
    { method, uri: "sip:bob@127.0.0.1", nc },
    seededRandom(nc + 7),
  );
}

/** Verifies an INVITE's Authorization against PASSWORDS. */
function verify(store: NonceStore, authorization: string, now: number) {
  return verifyAuthorization(store, { authorization, method: "INVITE", now, passwordFor });
}

describe("digest server", () => {
  test("challenges with realm xbridge, a 128-bit hex nonce, MD5 and qop=auth (sip.md §3)", () => {
    const store = new NonceStore({ random: seededRandom(9) });
    const nonce = store.issue(0);
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(buildChallenge(nonce)).toBe(`Digest realm="xbridge", nonce="${nonce}", algorithm=MD5, qop="auth"`);
  });

  test("issues a different nonce each time", () => {
    const store = new NonceStore({ random: seededRandom(9) });
    expect(store.issue(0)).not.toBe(store.issue(0));
  });

  test("accepts a correct response to a nonce it issued", () => {
    const store = new NonceStore({ random: seededRandom(10) });
    const ch = buildChallenge(store.issue(1000));
    const r = verify(store, authorize(ch, "alicepw"), 2000);
    expect(r).toEqual({ verdict: "ok", username: "alice" });
  });

  test("accepts a SHA-256 challenge answered with SHA-256", () => {
    const store = new NonceStore({ random: seededRandom(10) });
    const ch = buildChallenge(store.issue(0), { algorithm: "SHA-256" });
    expect(verify(store, authorize(ch, "alicepw"), 1).verdict).toBe("ok");
  });

  test("refuses a replayed Authorization (same nonce and nc) with forbidden", () => {
    const store = new NonceStore({ random: seededRandom(11) });
    const ch = buildChallenge(store.issue(0));
    const auth = authorize(ch, "alicepw");
    expect(verify(store, auth, 1).verdict).toBe("ok");
    const again = verify(store, auth, 2);
    expect(again).toEqual({ verdict: "forbidden", reason: "nonce count replayed" });
  });

  test("accepts the same nonce again with a higher nc", () => {
    const store = new NonceStore({ random: seededRandom(12) });
    const ch = buildChallenge(store.issue(0));
    expect(verify(store, authorize(ch, "alicepw", 1), 1).verdict).toBe("ok");
    expect(verify(store, authorize(ch, "alicepw", 2), 2).verdict).toBe("ok");
  });

  test("makes a nonce single-use when the client sends no qop", () => {
    const store = new NonceStore({ random: seededRandom(13) });
    const nonce = store.issue(0);
    const auth = authorize(`Digest realm="xbridge", nonce="${nonce}"`, "alicepw");
    const sent = parseDigestParams(auth);
    expect(sent.ok && sent.value.has("qop")).toBe(false);
    expect(verify(store, auth, 1).verdict).toBe("ok");
    expect(verify(store, auth, 2).verdict).toBe("forbidden");
  });

  test("answers stale for a correct response to a nonce older than 5 minutes", () => {
    const store = new NonceStore({ random: seededRandom(14) });
    const ch = buildChallenge(store.issue(0));
    const r = verify(store, authorize(ch, "alicepw"), NONCE_LIFETIME_MS);
    expect(r).toEqual({ verdict: "stale" });
    expect(buildChallenge("abc", { stale: true })).toContain("stale=true");
  });

  test("refuses a wrong password with forbidden, without burning the nonce", () => {
    const store = new NonceStore({ random: seededRandom(15) });
    const ch = buildChallenge(store.issue(0));
    expect(verify(store, authorize(ch, "wrong"), 1)).toEqual({
      verdict: "forbidden",
      reason: "wrong response",
    });
    expect(verify(store, authorize(ch, "alicepw"), 2).verdict).toBe("ok");
  });

  test("refuses a response computed for another method", () => {
    const store = new NonceStore({ random: seededRandom(16) });
    const ch = buildChallenge(store.issue(0));
    const r = verify(store, authorize(ch, "alicepw", 1, "REGISTER"), 1);
    expect(r.verdict).toBe("forbidden");
  });

  test("refuses nonces it never issued, foreign realms and unknown users", () => {
    const store = new NonceStore({ random: seededRandom(17) });
    const nonce = store.issue(0);
    const foreignNonce = authorize('Digest realm="xbridge", nonce="deadbeef", qop="auth"', "alicepw");
    expect(verify(store, foreignNonce, 1)).toEqual({
      verdict: "forbidden",
      reason: "nonce not issued by us",
    });
    const foreignRealm = authorize(`Digest realm="other", nonce="${nonce}", qop="auth"`, "alicepw");
    expect(verify(store, foreignRealm, 1).verdict).toBe("forbidden");
    const stranger = verifyAuthorization(store, {
      authorization: authorize(buildChallenge(nonce), "x"),
      method: "INVITE",
      now: 1,
      passwordFor: () => undefined,
    });
    expect(stranger).toEqual({ verdict: "forbidden", reason: "unknown username" });
  });

  test("malformed Authorization values are forbidden and never throw", () => {
    const store = new NonceStore({ random: seededRandom(18) });
    const nonce = store.issue(0);
    const bad = [
      "",
      "Basic YWxpY2U6eA==",
      'Digest username="alice"',
      `Digest username="alice", realm="xbridge", nonce="${nonce}", uri="sip:x", response="00", qop=auth`,
      `Digest username="alice", realm="xbridge", nonce="${nonce}", uri="sip:x", response="00", qop=auth, nc=zz, cnonce="c"`,
      `Digest username="alice", realm="xbridge", nonce="${nonce}", uri="sip:x", response="00", qop=auth, nc=00000000, cnonce="c"`,
      `Digest username="alice", realm="xbridge", nonce="${nonce}", uri="sip:x", response="00", qop=auth-int, nc=00000001, cnonce="c"`,
      `Digest username="alice", realm="xbridge", nonce="${nonce}", uri="sip:x", response="00", algorithm=SHA-1`,
      'Digest username="alice, realm=',
    ];
    for (const authorization of bad) {
      expect(() =>
        verifyAuthorization(store, { authorization, method: "INVITE", now: 1, passwordFor }),
      ).not.toThrow();
      expect(
        verifyAuthorization(store, { authorization, method: "INVITE", now: 1, passwordFor }).verdict,
      ).toBe("forbidden");
    }
  });

  test("keeps at most maxNonces, forgetting the oldest", () => {
    const store = new NonceStore({ random: seededRandom(19), maxNonces: 3 });
    const first = store.issue(0);
    for (let i = 0; i < 5; i++) store.issue(1);
    expect(store.size).toBe(3);
    expect(store.check(first, 1, 2)).toEqual({ status: "unknown" });
  });

  test("forgets nonces two lifetimes old", () => {
    const store = new NonceStore({ random: seededRandom(20) });
    const old = store.issue(0);
    store.issue(2 * NONCE_LIFETIME_MS);
    expect(store.check(old, 1, 2 * NONCE_LIFETIME_MS)).toEqual({ status: "unknown" });
    expect(store.size).toBe(1);
  });
});
