/**
 * Trunk-host admission end to end (spec/config.md `server.peers`, sip.md, issue #5): sipp calls
 * the real gateway from an allowed or unknown loopback address, with right or wrong digest
 * credentials, and offering a codec outside the peer's allowlist. A refused INVITE never
 * reaches the app (webhooks.md §2: /incoming is sent only after authentication and SDP
 * negotiation).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type CallRig, startCallRig } from "../support/app-server.ts";
import { makeTempDir, skipWithout, waitExit } from "../support/peers.ts";
import {
  callGateway,
  type GatewayCallOptions,
  makeToneFile,
  rtpKeys,
  sippMessages,
} from "../support/sipp-media.ts";

const skip = skipWithout("sipp", "sox");

async function sippCall(
  rig: CallRig,
  o: Omit<GatewayCallOptions, "dir" | "gatewaySipPort">,
  codec: "pcmu" | "pcma",
) {
  const dir = makeTempDir("calls-auth");
  const keys = rtpKeys(codec, makeToneFile(join(dir, `tone.${codec}`), codec, 1000, 5));
  const { sipp } = await callGateway({ dir, gatewaySipPort: rig.sipPort, keys, durationMs: 1000, ...o });
  const exit = await waitExit(sipp, 15_000);
  if (exit === undefined) await sipp.stop();
  return { exit, trace: () => sippMessages(dir) };
}

describe.skipIf(skip)("peer by address with a codec allowlist", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig({ peers: [{ name: "pbx", host: "127.0.0.1", codecs: ["alaw"] }] });
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("answers 403 to an INVITE from an address no peer allows (127.0.0.2) and never asks the app", async () => {
    const n = rig.app.incoming.length;
    const r = await sippCall(
      rig,
      { scenario: "uac_refused.xml", placeholders: { EXPECT_CODE: "403" }, localIp: "127.0.0.2" },
      "pcma",
    );
    expect(r.exit, r.trace()).toBe(0);
    expect(rig.app.incoming.length).toBe(n);
  }, 20_000);

  test("answers 488 when the offer has only codecs outside the peer's allowlist (PCMU vs [alaw])", async () => {
    const n = rig.app.incoming.length;
    const r = await sippCall(
      rig,
      { scenario: "uac_refused.xml", placeholders: { EXPECT_CODE: "488" } },
      "pcmu",
    );
    expect(r.exit, r.trace()).toBe(0);
    expect(rig.app.incoming.length).toBe(n);
  }, 20_000);

  test("connects an allowed codec from the allowed address and names the peer in /incoming", async () => {
    const n = rig.app.incoming.length;
    const r = await sippCall(rig, { scenario: "uac_rtp.xml" }, "pcma");
    expect(r.exit, r.trace()).toBe(0);
    expect(rig.app.incoming[n]?.body).toMatchObject({ peer: "pbx", direction: "inbound" });
    expect(r.trace()).toMatch(/m=audio \d+ RTP\/AVP 8/);
  }, 20_000);
});

describe.skipIf(skip)("peer by digest credentials", () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig({
      peers: [{ name: "branch", auth: { username: "branch", password: "s3cret" } }],
    });
  }, 15_000);
  afterAll(async () => {
    await rig?.stop();
  });

  test("challenges with 401 and connects the call when the INVITE is retried with the right password", async () => {
    const n = rig.app.incoming.length;
    const r = await sippCall(
      rig,
      { scenario: "uac_auth_rtp.xml", auth: { username: "branch", password: "s3cret" } },
      "pcmu",
    );
    expect(r.exit, r.trace()).toBe(0);
    expect(r.trace()).toMatch(/SIP\/2\.0 401[\s\S]*WWW-Authenticate: Digest/i);
    expect(rig.app.incoming[n]?.body).toMatchObject({ peer: "branch" });
  }, 20_000);

  test("answers 403 when the retried INVITE carries a wrong password, and never asks the app", async () => {
    const n = rig.app.incoming.length;
    const r = await sippCall(
      rig,
      {
        scenario: "uac_auth_refused.xml",
        placeholders: { EXPECT_CODE: "403" },
        auth: { username: "branch", password: "wrong" },
      },
      "pcmu",
    );
    expect(r.exit, r.trace()).toBe(0);
    expect(rig.app.incoming.length).toBe(n);
  }, 20_000);
});
