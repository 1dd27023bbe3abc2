/**
 * An admitted inbound call from 180 to its end (spec/sip.md §5–§7, §10; webhooks.md §2–§3):
 * accept/reject/failed decisions, CANCEL during the decision, remote BYE, missing ACK, media
 * timeout, remote re-INVITEs (hold, resume, codec change, 491), delayed offer, advertised
 * address, and exactly one `call.ended` per announced call.
 */
import { describe, expect, test } from "bun:test";
import { nullLogger } from "../../src/lib/logger.ts";
import { parseSdp } from "../../src/sdp/index.ts";
import { answeredCall } from "./control-support.ts";
import {
  ACCEPT,
  endedEvents,
  FakeInvite,
  harness,
  OFFICE,
  offerWith,
  ringingCall,
  settle,
  typesOf,
} from "./fakes.ts";

describe("while the app decides (sip.md §5)", () => {
  test("rings with 180 and lists the call as ringing under a CA + 32 hex id", async () => {
    const { h, invite, callId } = await ringingCall();
    expect(invite.responses).toEqual([180]);
    expect(callId).toMatch(/^CA[0-9a-f]{32}$/);
    expect(h.manager.list()).toEqual([
      expect.objectContaining({
        callId,
        direction: "inbound",
        status: "ringing",
        from: "1001",
        to: "+15551234567",
        peer: "office-pbx",
      }),
    ]);
  });

  test("answers 200 with an SDP answer on accept, starts media, reports call.answered", async () => {
    const { h, invite, callId, media } = await answeredCall();
    expect(invite.responses).toEqual([180, 200]);
    const sdp = parseSdp(invite.acceptedSdp ?? "");
    expect(sdp.ok && sdp.value.connection?.address).toBe("203.0.113.5");
    expect(sdp.ok && sdp.value.media[0]?.port).toBe(media?.localPort ?? -1);
    expect(media?.started?.codec).toBe("pcmu");
    expect(typesOf(h.events)).toEqual(["call.answered"]);
    expect(h.manager.get(callId)?.status).toBe("in_progress");
  });

  test("keeps the app's stream flag, custom parameters and webhook override on accept", async () => {
    const { h, callId } = await ringingCall();
    h.decisions.answer({
      action: "accept",
      stream: false,
      customParameters: { k: "v" },
      webhookUrl: "http://app/x",
    });
    await settle();
    expect(h.manager.get(callId)).toMatchObject({
      stream: false,
      customParameters: { k: "v" },
      webhookUrl: "http://app/x",
    });
  });

  test.each([
    [486, "busy"],
    [603, "declined"],
    [480, "unavailable"],
    [404, "not_found"],
    [403, "forbidden"],
  ])(
    "answers %i when the app rejects (%s) and ends the call rejected with that sip_code",
    async (code, reason) => {
      const { h, invite, callId } = await ringingCall();
      h.decisions.answer({ action: "reject", reason, sipCode: code });
      await settle();
      expect(invite.final).toBe(code);
      expect(endedEvents(h.events)).toEqual([
        { type: "call.ended", callId, reason: "rejected", duration: 0, sipCode: code },
      ]);
      expect(h.manager.get(callId)).toBeUndefined();
    },
  );

  test("answers 503 and ends with reason error when /incoming failed", async () => {
    const { h, invite, media } = await ringingCall();
    h.decisions.answer({ action: "error", error: "timeout" });
    await settle();
    expect(invite.final).toBe(503);
    expect(endedEvents(h.events)[0]).toMatchObject({ reason: "error", sipCode: 503 });
    expect(media?.closed).toBe(true);
  });

  test("ends a call cancelled during the decision as cancelled/487 and ignores the late accept", async () => {
    const { h, invite, inputs, media } = await ringingCall();
    invite.pending = false;
    inputs.cancelled();
    expect(endedEvents(h.events)[0]).toMatchObject({ reason: "cancelled", sipCode: 487 });
    h.decisions.answer(ACCEPT);
    await settle();
    expect(invite.responses).toEqual([180]);
    expect(typesOf(h.events)).toEqual(["call.ended"]);
    expect(media?.closed).toBe(true);
    expect(h.manager.list()).toEqual([]);
  });

  test("announces nothing when the CANCEL arrives before the RTP port is bound", async () => {
    const h = harness();
    const invite = new FakeInvite();
    const inputs = h.manager.handleInvite(invite);
    inputs.cancelled();
    await settle();
    expect(h.decisions.requests).toHaveLength(0);
    expect(h.events).toHaveLength(0);
    expect(h.media.sessions[0]?.closed).toBe(true);
  });
});

describe("an answered inbound call (sip.md §5–§7, §10)", () => {
  test("ends normal with the whole seconds since answer when the remote sends BYE", async () => {
    const { h, invite, callId, media } = await answeredCall();
    h.clock.advance(61_900);
    invite.handlers?.bye();
    expect(endedEvents(h.events)).toEqual([{ type: "call.ended", callId, reason: "normal", duration: 61 }]);
    expect(media?.closed).toBe(true);
    expect(invite.dialog.byes).toBe(0);
    expect(h.manager.get(callId)).toBeUndefined();
  });

  test("sends BYE and ends with reason error when the ACK never arrives", async () => {
    const { h, invite, inputs } = await answeredCall();
    inputs.ackTimeout();
    expect(invite.dialog.byes).toBe(1);
    expect(endedEvents(h.events)[0]?.reason).toBe("error");
  });

  test("sends BYE and ends with reason timeout when media reports 30 s without RTP", async () => {
    const { h, invite, media } = await answeredCall();
    media?.fireTimeout();
    expect(invite.dialog.byes).toBe(1);
    expect(endedEvents(h.events)[0]?.reason).toBe("timeout");
  });

  test("answers a sendonly re-INVITE with recvonly, goes on_hold and reports call.hold by remote", async () => {
    const { h, invite, callId, media } = await answeredCall();
    const answer = invite.handlers?.reInvite(offerWith({ direction: "sendonly" }));
    expect(answer?.status).toBe(200);
    expect(answer?.status === 200 && answer.sdp).toContain("a=recvonly");
    expect(media?.directions.at(-1)).toBe("recvonly");
    expect(h.manager.get(callId)?.status).toBe("on_hold");
    expect(h.events.at(-1)).toEqual({ type: "call.hold", callId, by: "remote" });
  });

  test("resumes on a sendrecv re-INVITE after a remote hold and reports call.resumed by remote", async () => {
    const { h, invite, callId } = await answeredCall();
    invite.handlers?.reInvite(offerWith({ direction: "inactive" }));
    const answer = invite.handlers?.reInvite(offerWith({ direction: "sendrecv" }));
    expect(answer?.status === 200 && answer.sdp).toContain("a=sendrecv");
    expect(h.manager.get(callId)?.status).toBe("in_progress");
    expect(typesOf(h.events)).toEqual(["call.answered", "call.hold", "call.resumed"]);
  });

  test("switches media without an event when a re-INVITE only changes codec and port", async () => {
    const { h, invite, media } = await answeredCall();
    const answer = invite.handlers?.reInvite(offerWith({ codec: "PCMA", port: 41000 }));
    expect(answer?.status).toBe(200);
    expect(media?.updates.at(-1)).toMatchObject({ codec: "pcma", remotePort: 41000 });
    expect(typesOf(h.events)).toEqual(["call.answered"]);
  });

  test("raises the o= version in each re-INVITE answer (RFC 3264 §8)", async () => {
    const { invite } = await answeredCall();
    const first = parseSdp(invite.acceptedSdp ?? "");
    const answer = invite.handlers?.reInvite(offerWith({ direction: "sendonly" }));
    const second = parseSdp(answer?.status === 200 ? answer.sdp : "");
    if (!first.ok || !second.ok) throw new Error("unreadable SDP");
    expect(second.value.origin?.sessionId).toBe(first.value.origin?.sessionId ?? "");
    expect(BigInt(second.value.origin?.sessionVersion ?? "0")).toBe(
      BigInt(first.value.origin?.sessionVersion ?? "0") + 1n,
    );
  });

  test("answers 488 and leaves the call as it was when a re-INVITE has no usable codec", async () => {
    const { h, invite, callId, media } = await answeredCall();
    const answer = invite.handlers?.reInvite(
      offerWith({})
        .replace("PCMU", "X-UNKNOWN")
        .replace(" 0 101", " 96 101")
        .replace("rtpmap:0", "rtpmap:96"),
    );
    expect(answer?.status).toBe(488);
    expect(media?.updates).toHaveLength(0);
    expect(h.manager.get(callId)?.status).toBe("in_progress");
  });

  test("answers 491 to a remote re-INVITE while one of ours is pending", async () => {
    const { invite, callId, h } = await answeredCall();
    const internal = (
      h.manager as unknown as { calls: Map<string, { localReInvitePending: boolean }> }
    ).calls.get(callId);
    if (internal === undefined) throw new Error("call missing");
    internal.localReInvitePending = true;
    expect(invite.handlers?.reInvite(offerWith({ direction: "sendonly" }))?.status).toBe(491);
  });
});

describe("delayed offer and addresses (sip.md §4–§5)", () => {
  test("puts our offer in the 200 OK of an INVITE without SDP and starts media from the ACK's answer", async () => {
    const { h, invite, inputs, media } = await ringingCall(harness(), new FakeInvite({ sdp: null }));
    h.decisions.answer(ACCEPT);
    await settle();
    expect(invite.acceptedSdp).toContain("m=audio 20000 RTP/AVP 0 8 9 111 101");
    expect(media?.started).toBeUndefined();
    inputs.acked(offerWith({ codec: "PCMA" }).replace(" 8 101", " 8"));
    expect(media?.started?.codec).toBe("pcma");
  });

  test("sends BYE with reason error when the ACK of a delayed offer carries no answer", async () => {
    const { h, invite, inputs } = await ringingCall(harness(), new FakeInvite({ sdp: null }));
    h.decisions.answer(ACCEPT);
    await settle();
    inputs.acked(undefined);
    expect(invite.dialog.byes).toBe(1);
    expect(endedEvents(h.events)[0]?.reason).toBe("error");
  });

  test("advertises the peer's rtp_address over server.rtp_address over the listen IP", async () => {
    const cases: Array<[Partial<typeof OFFICE>, string | undefined, string]> = [
      [{ rtpAddress: "198.18.0.1" }, "198.18.0.2", "198.18.0.1"],
      [{}, "198.18.0.2", "198.18.0.2"],
      [{}, undefined, "203.0.113.5"],
    ];
    for (const [peer, serverRtp, expected] of cases) {
      const h = harness({
        peers: [{ ...OFFICE, ...peer }],
        advertise: {
          listenAddress: "203.0.113.5",
          ...(serverRtp !== undefined ? { rtpAddress: serverRtp } : {}),
        },
      });
      const { invite } = await ringingCall(h);
      h.decisions.answer(ACCEPT);
      await settle();
      expect(invite.acceptedSdp).toContain(`c=IN IP4 ${expected}`);
    }
  });

  test("advertises the interface that routes to the caller when listening on a wildcard", async () => {
    const h = harness({
      advertise: {
        listenAddress: "0.0.0.0",
        routeTo: (remote) => (remote === "192.0.2.10" ? "192.0.2.1" : "x"),
      },
    });
    const { invite } = await ringingCall(h);
    h.decisions.answer(ACCEPT);
    await settle();
    expect(invite.acceptedSdp).toContain("c=IN IP4 192.0.2.1");
  });
});

describe("a CANCEL crossing the accept (sip.md §6)", () => {
  test("ends the call cancelled/487 once when the INVITE is no longer pending at accept time", async () => {
    const { h, invite, inputs } = await ringingCall();
    invite.pending = false;
    h.decisions.answer(ACCEPT);
    await settle();
    inputs.cancelled();
    expect(typesOf(h.events)).toEqual(["call.ended"]);
    expect(endedEvents(h.events)[0]).toMatchObject({ reason: "cancelled", sipCode: 487 });
  });
});

describe("a bug inside the inbound flow (DESIGN.md rule 2)", () => {
  function recording(lines: string[]) {
    return { ...nullLogger, error: (msg: string) => lines.push(msg) };
  }

  test("answers 503 and logs when binding the RTP port throws, before anything was announced", async () => {
    const lines: string[] = [];
    const h = harness({
      logger: recording(lines),
      media: { allocate: () => Promise.reject(new Error("port pool bug")) },
    });
    const invite = new FakeInvite();
    h.manager.handleInvite(invite);
    await settle();
    expect(invite.responses).toEqual([503]);
    expect(lines).toEqual(["inbound call flow threw"]);
    expect(h.events).toEqual([]);
    expect(h.manager.list()).toEqual([]);
  });

  test("answers 503, ends the call with reason error and frees the decision slot when /incoming rejects", async () => {
    const lines: string[] = [];
    const h = harness({
      logger: recording(lines),
      maxPendingDecisions: 1,
      decisions: { decide: () => Promise.reject(new Error("client bug")) },
    });
    const invite = new FakeInvite();
    h.manager.handleInvite(invite);
    await settle();
    expect(invite.responses).toEqual([180, 503]);
    expect(endedEvents(h.events)[0]?.reason).toBe("error");
    expect(lines).toEqual(["inbound call flow threw"]);
    const next = new FakeInvite();
    h.manager.handleInvite(next);
    await settle();
    expect(next.responses).toEqual([180, 503]);
  });
});
