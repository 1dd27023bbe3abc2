/**
 * Fake registered trunks for call-layer tests: a TrunkPort whose lines the test edits (register,
 * unregister) and a dialer that records each trunk INVITE for the test to answer.
 */
import type { TrunkDialer, TrunkInviteRequest, TrunkLine, TrunkPort } from "../../src/call/trunk-port.ts";
import { FakeDialer, FakeMediaPort } from "./fakes.ts";

type MutableLine = { -readonly [K in keyof TrunkLine]: TrunkLine[K] };

/** A registered trunk at registrar 198.18.0.1:5060 (UDP), advertising 203.0.113.77. */
export function trunkLine(name: string, changes: Partial<MutableLine> = {}): MutableLine {
  return {
    name,
    username: "gateway",
    password: "gatewaypw",
    domain: "sip.example.net",
    srtp: false,
    registered: true,
    registrar: { protocol: "UDP", address: "198.18.0.1", port: 5060 },
    contact: "sip:gateway@203.0.113.77:40123",
    publicAddress: "203.0.113.77",
    media: new FakeMediaPort(),
    ...changes,
  };
}

export class FakeTrunkPort implements TrunkPort {
  readonly dialer: FakeDialer<TrunkInviteRequest> & TrunkDialer = new FakeDialer<TrunkInviteRequest>();
  constructor(readonly list: MutableLine[]) {}
  lines(): readonly TrunkLine[] {
    return this.list;
  }
  line(name: string): MutableLine {
    const l = this.list.find((x) => x.name === name);
    if (l === undefined) throw new Error(`no trunk ${name}`);
    return l;
  }
  mediaOf(name: string): FakeMediaPort {
    const m = this.line(name).media;
    if (!(m instanceof FakeMediaPort)) throw new Error("not a fake media port");
    return m;
  }
}
