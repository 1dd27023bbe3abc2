/**
 * Dialing through a registered trunk (spec/sip.md §2 "Outbound", §10 SRTP; rest-api.md §3 POST
 * /v1/calls `trunk`; webhooks.md §3): trunk selection, 503 while unregistered, the INVITE's
 * target/URIs/identity/credentials, SRTP offer and answer, progress events and end reasons.
 */
import { describe, expect, test } from "bun:test";
import { parseSdp } from "../../src/sdp/index.ts";
import { endedEvents, FakeDialog, harness, settle, typesOf } from "./fakes.ts";
import { FakeTrunkPort, trunkLine } from "./trunk-fakes.ts";

const REQUEST = { to: "+15551234567", from: "+15559876543" } as const;

const ANSWER_PCMU = [
  "v=0",
  "o=- 5 5 IN IP4 198.18.0.9",
  "s=-",
  "c=IN IP4 198.18.0.9",
  "t=0 0",
  "m=audio 30000 RTP/AVP 0 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=sendrecv",
  "",
].join("\r\n");

const KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
const ANSWER_SRTP = ANSWER_PCMU.replace("RTP/AVP", "RTP/SAVP").replace(
  "a=sendrecv",
  `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}\r\na=sendrecv`,
);

function setup(lines = [trunkLine("office"), trunkLine("default")]) {
  const trunks = new FakeTrunkPort(lines);
  const h = harness({ trunkPort: trunks });
  return { h, trunks };
}

describe("which trunk a call uses (rest-api.md §3)", () => {
  test("without `trunk` dials the trunk named default, even when it is not first", async () => {
    const { h, trunks } = setup();
    const r = await h.manager.create(REQUEST);
    expect(r.ok && r.value.trunk).toBe("default");
    expect(trunks.mediaOf("default").sessions).toHaveLength(1);
    expect(trunks.mediaOf("office").sessions).toHaveLength(0);
  });

  test("without `trunk` and no trunk named default dials the first in config order", async () => {
    const { h } = setup([trunkLine("office"), trunkLine("backup")]);
    const r = await h.manager.create(REQUEST);
    expect(r.ok && r.value.trunk).toBe("office");
  });

  test("a named trunk wins over the default", async () => {
    const { h } = setup();
    const r = await h.manager.create({ ...REQUEST, trunk: "office" });
    expect(r.ok && r.value.trunk).toBe("office");
  });

  test("refuses an unknown trunk with 404 not_found and sends nothing", async () => {
    const { h, trunks } = setup();
    const r = await h.manager.create({ ...REQUEST, trunk: "telnyx" });
    expect(!r.ok && [r.error.code, r.error.httpStatus]).toEqual(["trunk_not_found", 404]);
    expect(trunks.dialer.invites).toHaveLength(0);
  });

  test("refuses with 503 while the trunk is not registered, without binding an RTP port", async () => {
    const { h, trunks } = setup();
    trunks.line("default").registered = false;
    const r = await h.manager.create(REQUEST);
    expect(!r.ok && [r.error.code, r.error.httpStatus]).toEqual(["trunk_unavailable", 503]);
    expect(trunks.mediaOf("default").sessions).toHaveLength(0);
  });

  test("refuses with 503 when no trunk is configured and no peer is given", async () => {
    const { h } = setup([]);
    const r = await h.manager.create(REQUEST);
    expect(!r.ok && [r.error.code, r.error.httpStatus]).toEqual(["trunk_unavailable", 503]);
  });

  test("refuses with 503 when the trunk's RTP range is exhausted, and closes the port when the INVITE cannot go out", async () => {
    const { h, trunks } = setup();
    trunks.mediaOf("default").available = false;
    const a = await h.manager.create(REQUEST);
    expect(!a.ok && a.error.code).toBe("no_rtp_port");
    trunks.mediaOf("default").available = true;
    trunks.dialer.refuse = true;
    const b = await h.manager.create(REQUEST);
    expect(!b.ok && b.error.httpStatus).toBe(503);
    expect(trunks.mediaOf("default").sessions[0]?.closed).toBe(true);
    expect(h.manager.list()).toHaveLength(0);
  });
});

describe("the INVITE through a trunk (sip.md §2 Outbound)", () => {
  test("goes to the registrar with Request-URI sip:<to>@<host>, From and P-Asserted-Identity = from, our Contact and the trunk's credentials", async () => {
    const { h, trunks } = setup();
    const r = await h.manager.create(REQUEST);
    const req = trunks.dialer.last.request;
    expect(req).toMatchObject({
      callId: r.ok ? r.value.callId : "",
      protocol: "UDP",
      target: { address: "198.18.0.1", port: 5060 },
      requestUri: "sip:+15551234567@sip.example.net",
      toUri: "sip:+15551234567@sip.example.net",
      fromUri: "sip:+15559876543@sip.example.net",
      assertedIdentity: "<sip:+15559876543@sip.example.net>",
      contact: "sip:gateway@203.0.113.77:40123",
      credentials: { username: "gateway", password: "gatewaypw" },
    });
  });

  test.each(["sip:bob@carrier.example", "sips:bob@carrier.example", "tel:+15551234567"])(
    "keeps a `to` URI %s as the Request-URI",
    async (to) => {
      const { h, trunks } = setup();
      await h.manager.create({ ...REQUEST, to });
      expect(trunks.dialer.last.request.requestUri).toBe(to);
    },
  );

  test("offers RTP/AVP at the trunk's public address and the bound port", async () => {
    const { h, trunks } = setup();
    await h.manager.create(REQUEST);
    const sdp = parseSdp(trunks.dialer.last.request.sdp);
    if (!sdp.ok) throw new Error(sdp.error.reason);
    expect(sdp.value.connection?.address).toBe("203.0.113.77");
    expect(sdp.value.media[0]?.proto).toBe("RTP/AVP");
    expect(sdp.value.media[0]?.port).toBe(trunks.mediaOf("default").sessions[0]?.localPort);
  });
});

describe("SRTP on a trunk with srtp: true (sip.md §10)", () => {
  test("offers RTP/SAVP with one AES_CM_128_HMAC_SHA1_80 inline key", async () => {
    const { h, trunks } = setup([trunkLine("default", { srtp: true })]);
    await h.manager.create(REQUEST);
    const text = trunks.dialer.last.request.sdp;
    expect(text).toContain("m=audio 20000 RTP/SAVP ");
    expect(text).toMatch(/a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}\r\n/);
  });

  test("starts SRTP media from an RTP/SAVP answer", async () => {
    const { h, trunks } = setup([trunkLine("default", { srtp: true })]);
    await h.manager.create(REQUEST);
    trunks.dialer.last.handlers.answered(ANSWER_SRTP, new FakeDialog());
    const started = trunks.mediaOf("default").sessions[0]?.started;
    expect(started?.crypto?.remoteKey).toBe(KEY);
    expect(h.manager.list()[0]?.status).toBe("in_progress");
  });

  test("hangs up with BYE, reason failed, when the answer falls back to plain RTP", async () => {
    const { h, trunks } = setup([trunkLine("default", { srtp: true })]);
    await h.manager.create(REQUEST);
    const dialog = new FakeDialog();
    trunks.dialer.last.handlers.answered(ANSWER_PCMU, dialog);
    expect(dialog.byes).toBe(1);
    expect(endedEvents(h.events)[0]?.reason).toBe("failed");
    expect(trunks.mediaOf("default").sessions[0]?.started).toBeUndefined();
  });
});

describe("progress of a trunk call (webhooks.md §3)", () => {
  test("180 → call.ringing, 200 → call.answered with media started, remote BYE → ended normal; the call shows its trunk and no peer", async () => {
    const { h, trunks } = setup();
    const r = await h.manager.create(REQUEST);
    if (!r.ok) throw r.error;
    expect(r.value).toMatchObject({ trunk: "default", direction: "outbound", status: "dialing" });
    expect(r.value.peer).toBeUndefined();
    const out = trunks.dialer.last;
    out.handlers.provisional(180);
    out.handlers.provisional(183);
    expect(h.manager.get(r.value.callId)?.status).toBe("ringing");
    out.handlers.answered(ANSWER_PCMU, new FakeDialog());
    expect(trunks.mediaOf("default").sessions[0]?.started?.remotePort).toBe(30000);
    expect(h.manager.get(r.value.callId)).toMatchObject({ status: "in_progress", trunk: "default" });
    out.dialog.bye();
    expect(typesOf(h.events)).toEqual(["call.ringing", "call.answered", "call.ended"]);
    expect(endedEvents(h.events)[0]?.reason).toBe("normal");
    expect(h.manager.get(r.value.callId)).toBeUndefined();
    expect(trunks.mediaOf("default").sessions[0]?.closed).toBe(true);
  });

  test.each([
    [486, "busy"],
    [603, "rejected"],
    [480, "no_answer"],
    [404, "failed"],
    [407, "failed"],
  ] as const)("a final %i ends the call %s with that sip_code", async (status, reason) => {
    const { h, trunks } = setup();
    await h.manager.create(REQUEST);
    trunks.dialer.last.handlers.failed(status);
    expect(endedEvents(h.events)[0]).toMatchObject({ reason, sipCode: status, duration: 0 });
  });

  test("the ring timeout sends CANCEL and ends the call no_answer", async () => {
    const { h, trunks } = setup();
    await h.manager.create({ ...REQUEST, timeout: 5 });
    h.clock.advance(4999);
    await settle();
    expect(trunks.dialer.last.cancels).toBe(0);
    h.clock.advance(1);
    expect(trunks.dialer.last.cancels).toBe(1);
    expect(endedEvents(h.events)[0]?.reason).toBe("no_answer");
  });

  test("DELETE while dialing cancels the INVITE, reason cancelled", async () => {
    const { h, trunks } = setup();
    const r = await h.manager.create(REQUEST);
    if (!r.ok) throw r.error;
    expect(h.manager.hangup(r.value.callId).ok).toBe(true);
    expect(trunks.dialer.last.cancels).toBe(1);
    expect(endedEvents(h.events)[0]?.reason).toBe("cancelled");
  });
});
