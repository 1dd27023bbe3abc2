/**
 * INVITEs through a registration (spec/sip.md §2 "Incoming INVITE on a trunk", §10 SRTP;
 * webhooks.md §2 `trunk`): matched by Request-URI user and registrar source, never by the
 * trunk-host peer policy; the same decision flow, events and answers as trunk-host calls.
 */
import { describe, expect, test } from "bun:test";
import { parseSdp } from "../../src/sdp/index.ts";
import { ACCEPT, FakeInvite, type Harness, harness, OFFER_PCMU, settle, typesOf } from "./fakes.ts";
import { FakeTrunkPort, trunkLine } from "./trunk-fakes.ts";

const KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
const OFFER_SRTP = OFFER_PCMU.replace("RTP/AVP", "RTP/SAVP").replace(
  "a=sendrecv",
  `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}\r\na=sendrecv`,
);

/** An INVITE as the trunk client's stack hands it over: from the registrar, to our username. */
function trunkInvite(o: { source?: string; user?: string; sdp?: string | null } = {}) {
  const base = new FakeInvite({ source: o.source ?? "198.18.0.1", from: "alice", to: "gateway", sdp: o.sdp });
  return Object.assign(base, { requestUser: o.user ?? "gateway" });
}

/** The INVITE handed to the manager, once its flow has run as far as it can without the app. */
async function arrive(h: Harness, o: Parameters<typeof trunkInvite>[0] = {}) {
  const invite = trunkInvite(o);
  const inputs = h.manager.handleTrunkInvite(invite);
  await settle();
  return { invite, inputs };
}

function setup(lines = [trunkLine("office", { username: "2000" }), trunkLine("carrier")]) {
  const trunks = new FakeTrunkPort(lines);
  const h = harness({ trunkPort: trunks });
  return { h, trunks };
}

describe("matching an INVITE to its trunk (sip.md §2)", () => {
  test("reaches /incoming with `trunk` and no `peer`, although no trunk-host peer matches the registrar's address", async () => {
    const { h } = setup();
    const { invite } = await arrive(h);
    expect(invite.responses).toEqual([180]);
    expect(h.decisions.requests).toHaveLength(1);
    const req = h.decisions.requests[0];
    expect(req).toMatchObject({ from: "alice", to: "gateway", trunk: "carrier" });
    expect(req?.peer).toBeUndefined();
    expect(h.manager.list()[0]).toMatchObject({ direction: "inbound", status: "ringing", trunk: "carrier" });
    expect(h.manager.list()[0]?.peer).toBeUndefined();
  });

  test("the same INVITE at the trunk host is judged by the peer policy instead (a digest challenge)", async () => {
    const { h } = setup();
    const invite = new FakeInvite({ source: "198.18.0.1" });
    h.manager.handleInvite(invite);
    await settle();
    // ROAMING has digest credentials, so the trunk host challenges an unknown address.
    expect(invite.final).toBe(401);
    expect(h.decisions.requests).toHaveLength(0);
  });

  test("answers 404 when no trunk registers the Request-URI user", async () => {
    const { h } = setup();
    const { invite } = await arrive(h, { user: "9999" });
    expect(invite.responses).toEqual([404]);
    expect(h.events).toHaveLength(0);
  });

  test("answers 403 when the INVITE does not come from that trunk's registrar", async () => {
    const { h } = setup();
    const { invite } = await arrive(h, { source: "192.0.2.66" });
    expect(invite.responses).toEqual([403]);
    expect(h.decisions.requests).toHaveLength(0);
  });

  test("answers 404 when the gateway has no trunks at all", () => {
    const h = harness();
    const invite = trunkInvite();
    h.manager.handleTrunkInvite(invite);
    expect(invite.responses).toEqual([404]);
  });
});

describe("answering a trunk call", () => {
  test("accept → 200 with our answer at the trunk's public address and a port from the trunk's range, then call.answered", async () => {
    const { h, trunks } = setup();
    const { invite } = await arrive(h);
    h.decisions.answer(ACCEPT);
    await settle();
    expect(invite.responses).toEqual([180, 200]);
    const answer = parseSdp(invite.acceptedSdp ?? "");
    if (!answer.ok) throw new Error(answer.error.reason);
    const session = trunks.mediaOf("carrier").sessions[0];
    expect(answer.value.connection?.address).toBe("203.0.113.77");
    expect(answer.value.media[0]?.port).toBe(session?.localPort);
    expect(session?.started?.remoteAddr).toBe("192.0.2.10");
    expect(h.media.sessions).toHaveLength(0);
    expect(typesOf(h.events)).toEqual(["call.answered"]);
    invite.handlers?.bye();
    expect(typesOf(h.events)).toEqual(["call.answered", "call.ended"]);
  });

  test("reject → the reason's SIP code and call.ended rejected", async () => {
    const { h } = setup();
    const { invite } = await arrive(h);
    h.decisions.answer({ action: "reject", reason: "busy", sipCode: 486 });
    await settle();
    expect(invite.final).toBe(486);
    expect(h.events.at(-1)).toMatchObject({ type: "call.ended", reason: "rejected", sipCode: 486 });
  });

  test("a CANCEL while the app decides ends the call cancelled and ignores the late decision", async () => {
    const { h } = setup();
    const { invite, inputs } = await arrive(h);
    invite.pending = false;
    inputs.cancelled();
    h.decisions.answer(ACCEPT);
    await settle();
    expect(h.events.at(-1)).toMatchObject({ type: "call.ended", reason: "cancelled", sipCode: 487 });
    expect(invite.responses).toEqual([180]);
  });
});

describe("SRTP on a trunk with srtp: true (sip.md §10)", () => {
  test("answers a plain RTP offer with 488 and asks the app nothing", async () => {
    const { h } = setup([trunkLine("carrier", { srtp: true })]);
    const { invite } = await arrive(h);
    expect(invite.responses).toEqual([488]);
    expect(h.decisions.requests).toHaveLength(0);
  });

  test("answers a delayed offer (no SDP) with 488", async () => {
    const { h } = setup([trunkLine("carrier", { srtp: true })]);
    const { invite } = await arrive(h, { sdp: null });
    expect(invite.responses).toEqual([488]);
  });

  test("answers an RTP/SAVP offer with RTP/SAVP and our own inline key", async () => {
    const { h, trunks } = setup([trunkLine("carrier", { srtp: true })]);
    const { invite } = await arrive(h, { sdp: OFFER_SRTP });
    h.decisions.answer(ACCEPT);
    await settle();
    expect(invite.acceptedSdp).toContain("RTP/SAVP");
    expect(invite.acceptedSdp).toMatch(/a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}/);
    const started = trunks.mediaOf("carrier").sessions[0]?.started;
    expect(started?.crypto?.remoteKey).toBe(KEY);
    expect(started?.crypto?.localKey).not.toBe(KEY);
  });
});
