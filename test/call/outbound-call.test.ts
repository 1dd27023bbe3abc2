/**
 * Dialing a trunk-host peer (spec/sip.md §4, §6, §10; rest-api.md §3 POST /v1/calls;
 * webhooks.md §3): request checks, the INVITE's URIs and offer, ringing/answered, each final
 * response → reason and sip_code, ring timeout → CANCEL and `no_answer`.
 */
import { describe, expect, test } from "bun:test";
import type { CallEndedEvent } from "../../src/call/events.ts";
import { FakeDialog, harness, OFFICE, offerWith, typesOf } from "./fakes.ts";

const REQUEST = { to: "+15551234567", from: "+15559876543", peer: "office-pbx" } as const;

async function dial(h = harness(), request: Parameters<typeof h.manager.create>[0] = REQUEST) {
  const created = await h.manager.create(request);
  if (!created.ok) throw created.error;
  return { h, call: created.value, invite: h.dialer.last, media: h.media.sessions.at(-1) };
}

function ended(h: ReturnType<typeof harness>): CallEndedEvent[] {
  return h.events.filter((e): e is CallEndedEvent => e.type === "call.ended");
}

describe("POST /v1/calls checks (rest-api.md §3)", () => {
  test.each([
    [{ ...REQUEST, peer: "nobody" }, "peer_not_found", 404],
    [{ to: "1", from: "2", trunk: "telnyx" }, "trunk_not_found", 404],
    [{ to: "1", from: "2" }, "trunk_unavailable", 503],
  ] as const)("refuses %j with %s (%i)", async (request, code, status) => {
    const h = harness();
    const r = await h.manager.create(request);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.httpStatus).toBe(status);
    }
    expect(h.dialer.invites).toHaveLength(0);
  });

  test("refuses a configured trunk with 503 until trunk calls exist", async () => {
    const r = await harness({ trunks: ["telnyx"] }).manager.create({ to: "1", from: "2", trunk: "telnyx" });
    expect(!r.ok && r.error.code).toBe("trunk_unavailable");
  });

  test("refuses a peer without host with 422 unprocessable", async () => {
    const r = await harness().manager.create({ ...REQUEST, peer: "roaming" });
    expect(!r.ok && [r.error.httpStatus, r.error.apiCode]).toEqual([422, "unprocessable"]);
  });

  test("refuses with 404 when there is no server block", async () => {
    const r = await harness({ peers: undefined }).manager.create(REQUEST);
    expect(!r.ok && r.error.code).toBe("peer_not_found");
  });

  test("refuses with 503 when no RTP port is free, when not listening, and when shutting down", async () => {
    const noPort = harness();
    noPort.media.available = false;
    const a = await noPort.manager.create(REQUEST);
    expect(!a.ok && a.error.code).toBe("no_rtp_port");
    const notListening = harness({ dialer: undefined });
    const b = await notListening.manager.create(REQUEST);
    expect(!b.ok && b.error.code).toBe("not_listening");
    const refused = harness();
    refused.dialer.refuse = true;
    const c = await refused.manager.create(REQUEST);
    expect(!c.ok && c.error.code).toBe("not_listening");
    expect(refused.media.sessions[0]?.closed).toBe(true);
    const stopping = harness();
    stopping.manager.shutdown();
    const d = await stopping.manager.create(REQUEST);
    expect(!d.ok && d.error.httpStatus).toBe(503);
  });
});

describe("the INVITE to a peer (sip.md §4, §10)", () => {
  test("sends Request-URI and To sip:<to>@<host>:<port>, From sip:<from>@<our address>", async () => {
    const { invite, call } = await dial(harness({ peers: [{ ...OFFICE, port: 5080 }] }));
    expect(invite.request).toMatchObject({
      callId: call.callId,
      target: { address: "192.0.2.10", port: 5080 },
      requestUri: "sip:+15551234567@192.0.2.10:5080",
      toUri: "sip:+15551234567@192.0.2.10:5080",
      fromUri: "sip:+15559876543@203.0.113.5",
    });
    expect(call).toMatchObject({
      status: "dialing",
      direction: "outbound",
      peer: "office-pbx",
      from: "+15559876543",
    });
  });

  test("offers only the peer's allowlisted codecs plus telephone-event", async () => {
    const { invite } = await dial(harness({ peers: [{ ...OFFICE, codecs: ["pcma", "g722"] }] }));
    expect(invite.request.sdp).toContain("m=audio 20000 RTP/AVP 8 9 101");
  });
});

describe("responses to our INVITE (sip.md §4, webhooks.md §3)", () => {
  test("reports call.ringing once on 180/183 and call.answered on 2xx with media started", async () => {
    const { h, invite, call, media } = await dial();
    invite.handlers.provisional(180);
    invite.handlers.provisional(183);
    expect(h.manager.get(call.callId)?.status).toBe("ringing");
    invite.handlers.answered(offerWith({ codec: "PCMU" }), new FakeDialog());
    expect(media?.started?.codec).toBe("pcmu");
    expect(h.manager.get(call.callId)?.status).toBe("in_progress");
    expect(h.events).toEqual([
      { type: "call.ringing", callId: call.callId, from: "+15559876543", to: "+15551234567" },
      { type: "call.answered", callId: call.callId },
    ]);
  });

  test.each([
    [486, "busy"],
    [600, "busy"],
    [603, "rejected"],
    [408, "no_answer"],
    [480, "no_answer"],
    [404, "failed"],
    [401, "failed"],
    [500, "failed"],
    [302, "failed"],
  ] as const)(
    "ends the call on a %i final response with reason %s and that sip_code",
    async (status, reason) => {
      const { h, invite, call, media } = await dial();
      invite.handlers.failed(status);
      expect(ended(h)).toEqual([
        { type: "call.ended", callId: call.callId, reason, duration: 0, sipCode: status },
      ]);
      expect(media?.closed).toBe(true);
      expect(h.manager.get(call.callId)).toBeUndefined();
    },
  );

  test("stays dialing on provisional responses other than 180 and 183", async () => {
    const { h, invite, call } = await dial();
    invite.handlers.provisional(181);
    invite.handlers.provisional(182);
    expect(h.manager.get(call.callId)?.status).toBe("dialing");
    expect(h.events).toEqual([]);
  });

  test("ends failed without sip_code when no response came at all", async () => {
    const { h, invite } = await dial();
    invite.handlers.failed(undefined);
    expect(ended(h)[0]).toEqual(expect.objectContaining({ reason: "failed" }));
    expect(ended(h)[0]?.sipCode).toBeUndefined();
  });

  test("sends BYE and ends failed when the 2xx answer names no codec we offered", async () => {
    const { h, invite } = await dial(harness({ peers: [{ ...OFFICE, codecs: ["pcma"] }] }));
    const dialog = new FakeDialog();
    invite.handlers.answered(offerWith({ codec: "PCMU" }), dialog);
    expect(dialog.byes).toBe(1);
    expect(typesOf(h.events)).toEqual(["call.ended"]);
  });

  test("cancels with reason no_answer when the ring timeout expires, and not a moment earlier", async () => {
    const { h, invite } = await dial(harness(), { ...REQUEST, timeout: 5 });
    invite.handlers.provisional(180);
    h.clock.advance(4_999);
    expect(invite.cancels).toBe(0);
    h.clock.advance(1);
    expect(invite.cancels).toBe(1);
    expect(ended(h)[0]?.reason).toBe("no_answer");
  });

  test("uses a 30 s ring timeout by default and stops it once answered", async () => {
    const { h, invite } = await dial();
    h.clock.advance(29_000);
    invite.handlers.answered(offerWith({}), new FakeDialog());
    h.clock.advance(60_000);
    expect(invite.cancels).toBe(0);
    expect(typesOf(h.events)).toEqual(["call.answered"]);
  });

  test("ignores a 2xx that races our CANCEL (the stack ACKs and BYEs it)", async () => {
    const { h, invite, call } = await dial();
    h.manager.hangup(call.callId);
    const dialog = new FakeDialog();
    invite.handlers.answered(offerWith({}), dialog);
    expect(typesOf(h.events)).toEqual(["call.ended"]);
    expect(dialog.byes).toBe(0);
  });

  test("ends normal when the answered peer sends BYE", async () => {
    const { h, invite } = await dial();
    invite.handlers.answered(offerWith({}), new FakeDialog());
    h.clock.advance(2_500);
    invite.dialog.bye();
    expect(ended(h)[0]).toMatchObject({ reason: "normal", duration: 2 });
  });
});
