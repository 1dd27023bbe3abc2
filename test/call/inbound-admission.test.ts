/**
 * Trunk-host admission of an inbound INVITE (spec/sip.md §3–§5): peer by address or CIDR in
 * config order, digest with the real nonce store (401 challenge, stale, replay, wrong password),
 * 403, the codec allowlist (488 without webhook), the 256-decision bound, RTP ports, shutdown.
 */
import { describe, expect, test } from "bun:test";
import { buildAuthorization, parseChallenge } from "../../src/sip/auth/index.ts";
import { seededRandom } from "../support/seeded-random.ts";
import { ACCEPT, BRANCH, FakeInvite, harness, OFFICE, offerWith, ROAMING, settle, typesOf } from "./fakes.ts";

function sign(challengeHeader: string, password: string, nc = 1): string {
  const challenge = parseChallenge(challengeHeader);
  if (!challenge.ok) throw new Error(challenge.error.reason);
  return buildAuthorization(
    challenge.value,
    { username: "alice", password },
    { method: "INVITE", uri: "sip:+15551234567@203.0.113.5", nc, cnonce: "0a4f113b" },
    seededRandom(1),
  );
}

/** Sends an unauthenticated INVITE from a stranger and returns the WWW-Authenticate it got. */
function challengeOf(h: ReturnType<typeof harness>): string {
  const first = new FakeInvite({ source: "203.0.113.77" });
  h.manager.handleInvite(first);
  expect(first.final).toBe(401);
  return first.wwwAuthenticate ?? "";
}

describe("trunk host admission (sip.md §3)", () => {
  test("answers 403 to a stranger when no peer has auth", () => {
    const h = harness({ peers: [OFFICE, BRANCH] });
    const invite = new FakeInvite({ source: "203.0.113.77" });
    h.manager.handleInvite(invite);
    expect(invite.responses).toEqual([403]);
    expect(h.decisions.requests).toHaveLength(0);
  });

  test("challenges a stranger with 401, realm xbridge and a 128-bit nonce when some peer has auth", () => {
    const h = harness();
    const header = challengeOf(h);
    expect(header).toMatch(/^Digest realm="xbridge", nonce="[0-9a-f]{32}", algorithm=MD5, qop="auth"$/);
    expect(h.events).toHaveLength(0);
  });

  test("admits by source address in config order without asking for digest", async () => {
    const h = harness({ peers: [OFFICE, { ...ROAMING, host: "192.0.2.10" }] });
    h.manager.handleInvite(new FakeInvite({ source: "192.0.2.10" }));
    await settle();
    expect(h.decisions.requests[0]?.peer).toBe("office-pbx");
  });

  test("admits a source inside a peer's CIDR block and names that peer to the app", async () => {
    const h = harness();
    h.manager.handleInvite(new FakeInvite({ source: "198.51.100.42", sdp: offerWith({ codec: "PCMA" }) }));
    await settle();
    expect(h.decisions.requests[0]).toMatchObject({ from: "1001", to: "+15551234567", peer: "branch" });
  });

  test("admits a digest-authenticated caller as the peer owning the username", async () => {
    const h = harness();
    const auth = sign(challengeOf(h), "s3cret");
    const invite = new FakeInvite({ source: "203.0.113.77", authorization: auth });
    h.manager.handleInvite(invite);
    await settle();
    expect(invite.responses).toEqual([180]);
    expect(h.decisions.requests[0]?.peer).toBe("roaming");
  });

  test("answers 403 without a new challenge to a wrong password", () => {
    const h = harness();
    const invite = new FakeInvite({ source: "203.0.113.77", authorization: sign(challengeOf(h), "guess") });
    h.manager.handleInvite(invite);
    expect(invite.responses).toEqual([403]);
    expect(invite.wwwAuthenticate).toBeUndefined();
  });

  test("refuses a replayed Authorization (same nonce count) with 403", async () => {
    const h = harness();
    const auth = sign(challengeOf(h), "s3cret");
    h.manager.handleInvite(new FakeInvite({ source: "203.0.113.77", authorization: auth }));
    const replay = new FakeInvite({ source: "203.0.113.77", authorization: auth });
    h.manager.handleInvite(replay);
    expect(replay.responses).toEqual([403]);
  });

  test("answers 401 with stale=true when the nonce is older than 5 minutes", () => {
    const h = harness();
    const auth = sign(challengeOf(h), "s3cret");
    h.clock.advance(5 * 60 * 1000);
    const late = new FakeInvite({ source: "203.0.113.77", authorization: auth });
    h.manager.handleInvite(late);
    expect(late.final).toBe(401);
    expect(late.wwwAuthenticate).toContain("stale=true");
  });

  test("answers 403 to credentials with a nonce we never issued", () => {
    const h = harness();
    const forged = sign(
      'Digest realm="xbridge", nonce="00112233445566778899aabbccddeeff", algorithm=MD5, qop="auth"',
      "s3cret",
    );
    const invite = new FakeInvite({ source: "203.0.113.77", authorization: forged });
    h.manager.handleInvite(invite);
    expect(invite.responses).toEqual([403]);
  });
});

describe("responses before the app is asked (sip.md §4–§5)", () => {
  test("answers 488 and sends no webhook when the offer has no codec in the peer's allowlist", async () => {
    const h = harness();
    const invite = new FakeInvite({ source: "198.51.100.42" }); // branch allows PCMA only; offer is PCMU
    h.manager.handleInvite(invite);
    await settle();
    expect(invite.responses).toEqual([488]);
    expect(h.decisions.requests).toHaveLength(0);
    expect(h.events).toHaveLength(0);
  });

  test("answers 488 to an SDP body that is not SDP", () => {
    const h = harness();
    const invite = new FakeInvite({ sdp: "hello" });
    h.manager.handleInvite(invite);
    expect(invite.responses).toEqual([488]);
  });

  test("answers 503 and announces nothing when no RTP port is free", async () => {
    const h = harness();
    h.media.available = false;
    const invite = new FakeInvite();
    h.manager.handleInvite(invite);
    await settle();
    expect(invite.responses).toEqual([503]);
    expect(h.manager.list()).toEqual([]);
    expect(h.events).toHaveLength(0);
  });

  test("answers 503 while shutting down", () => {
    const h = harness();
    h.manager.shutdown();
    const invite = new FakeInvite();
    h.manager.handleInvite(invite);
    expect(invite.responses).toEqual([503]);
  });

  test("answers 503 to the 257th INVITE while 256 await the app, and admits again once one is decided", async () => {
    const h = harness();
    for (let i = 0; i < 256; i++) h.manager.handleInvite(new FakeInvite());
    await settle();
    const over = new FakeInvite();
    h.manager.handleInvite(over);
    expect(over.responses).toEqual([503]);
    expect(h.decisions.requests).toHaveLength(256);
    h.decisions.answer(ACCEPT);
    await settle();
    const next = new FakeInvite();
    h.manager.handleInvite(next);
    await settle();
    expect(next.responses).toEqual([180]);
    expect(typesOf(h.events)).toEqual(["call.answered"]);
  });
});
