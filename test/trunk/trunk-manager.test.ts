import { describe, expect, test } from "bun:test";
import { getCSeq, getHeader } from "../../src/sip/message/index.ts";
import { harness, trunk } from "./harness.ts";

const header = (h: ReturnType<typeof harness>, i: number, name: string) =>
  getHeader(h.registrar.sent[i]!.request, name);

describe("trunk registration", () => {
  test("registers sip:alice@host asking for Expires 60, answering the 401 with qop=auth digest", async () => {
    const h = harness([trunk()]);
    h.manager.start();
    await h.run(0);
    expect(h.registrar.sent.length).toBe(2);
    expect(h.registrar.sent[0]!.request.uri).toBe("sip:192.0.2.10");
    expect(header(h, 0, "To")).toBe("<sip:alice@192.0.2.10>");
    expect(header(h, 0, "Expires")).toBe("60");
    expect(header(h, 0, "Contact")).toBe("<sip:alice@10.0.0.2:5060>");
    expect(header(h, 1, "Authorization")).toMatch(/qop=auth.*nc=00000001/);
    expect(h.registrar.registered("alice")).toBe(true);
    expect(h.manager.state("pbx")).toMatchObject({
      registered: true,
      phase: "registered",
      expires: 60,
      contact: "sip:alice@10.0.0.2:5060",
      registrar: { protocol: "UDP", address: "192.0.2.10", port: 5060 },
    });
    expect(h.events.at(-1)?.registered).toBe(true);
  });

  test("refreshes at 50 % of the lifetime the registrar granted, same Call-ID, next CSeq", async () => {
    const h = harness([trunk()], { grant: 40 });
    h.manager.start();
    await h.run(19_900);
    expect(h.registrar.sent.length).toBe(2);
    await h.run(200);
    expect(h.registrar.sent.length).toBe(4);
    expect(h.registrar.sent[2]!.at).toBe(20_000);
    expect(header(h, 2, "Call-ID")).toBe(header(h, 0, "Call-ID"));
    expect(getCSeq(h.registrar.sent[2]!.request)?.seq).toBe(3);
    expect(h.manager.isRegistered("pbx")).toBe(true);
  });

  test("423 Interval Too Brief is retried at once with the registrar's Min-Expires", async () => {
    const h = harness([trunk()], { minExpires: 120 });
    h.manager.start();
    await h.run(0);
    const expires = h.registrar.sent.map((s) => getHeader(s.request, "Expires"));
    expect(expires).toEqual(["60", "60", "120", "120"]);
    expect(h.manager.state("pbx")?.expires).toBe(120);
  });

  test("a rejected password backs off 1 s, 2 s, 4 s … capped at 60 s and keeps trying", async () => {
    const h = harness([trunk({ password: "wrong" })]);
    h.manager.start();
    await h.run(200_000);
    // Each attempt is a REGISTER and its authenticated retry; attempts start at these times.
    const starts = h.registrar.sent.filter((s) => getHeader(s.request, "Authorization") === undefined);
    expect(starts.map((s) => s.at)).toEqual([0, 1000, 3000, 7000, 15_000, 31_000, 63_000, 123_000, 183_000]);
    expect(h.manager.state("pbx")).toMatchObject({
      registered: false,
      phase: "backoff",
      lastStatus: 403,
      retryInMs: 60_000,
    });
  });

  test("a registrar that stops answering turns the trunk unregistered, and it re-registers when it returns", async () => {
    const h = harness([trunk()]);
    h.manager.start();
    await h.run(0);
    h.registrar.mode = "silent";
    await h.run(30_000); // the refresh at 30 s times out
    expect(h.manager.state("pbx")).toMatchObject({ registered: false, lastError: "no response" });
    h.registrar.mode = "normal";
    await h.run(1_000);
    expect(h.manager.state("pbx")?.registered).toBe(true);
  });

  test("one trunk with a wrong password and one with an unresolvable host leave a third registered", async () => {
    const h = harness([
      trunk({ name: "bad-password", username: "bob", password: "nope" }),
      trunk({ name: "no-dns", host: "unresolvable.invalid" }),
      trunk({ name: "good", transport: "tcp", username: "bob", password: "bobpw" }),
    ]);
    h.manager.start();
    await h.run(5_000);
    const states = h.manager.states();
    expect(states.map((s) => [s.name, s.registered])).toEqual([
      ["bad-password", false],
      ["no-dns", false],
      ["good", true],
    ]);
    expect(states[1]!.lastError).toBe("cannot resolve unresolvable.invalid");
    expect(h.registrar.registered("bob")).toBe(true);
    expect(h.registrar.bindings.get("bob")?.contact).toBe("sip:bob@10.0.0.2:5070;transport=tcp");
  });

  test("a listener that throws does not stop the registration", async () => {
    const h = harness([trunk()], {
      onState: () => {
        throw new Error("listener bug");
      },
    });
    h.manager.start();
    await h.run(0);
    expect(h.manager.isRegistered("pbx")).toBe(true);
  });
});

describe("NAT and public address", () => {
  test("the registrar's received/rport replace the Contact before the binding is made (UDP)", async () => {
    const h = harness([trunk()], { seenFrom: { address: "203.0.113.5", port: 40_000 } });
    h.manager.start();
    await h.run(0);
    expect(header(h, 0, "Contact")).toBe("<sip:alice@10.0.0.2:5060>");
    expect(header(h, 1, "Contact")).toBe("<sip:alice@203.0.113.5:40000>");
    expect(h.registrar.bindings.get("alice")?.contact).toBe("sip:alice@203.0.113.5:40000");
    expect(h.manager.state("pbx")).toMatchObject({
      registered: true,
      publicAddress: { address: "203.0.113.5", port: 40_000 },
      addressSource: "received",
    });
    expect(h.registrar.sent.length).toBe(2);
  });

  test("on TCP only the received IP is taken: the rport of a connection is not a listening port", async () => {
    const h = harness([trunk({ transport: "tcp" })], { seenFrom: { address: "203.0.113.5", port: 40_000 } });
    h.manager.start();
    await h.run(0);
    expect(h.registrar.bindings.get("alice")?.contact).toBe("sip:alice@203.0.113.5:5070;transport=tcp");
  });

  test("a STUN-mapped address is advertised in the Contact from the first REGISTER", async () => {
    const h = harness([trunk({ stunServer: { host: "stun.example.net", port: 3478 } })], {
      net: { stunMappedAddress: () => Promise.resolve({ address: "198.51.100.7", port: 61_000 }) },
    });
    h.manager.start();
    await h.run(0);
    expect(header(h, 0, "Contact")).toBe("<sip:alice@198.51.100.7:5060>");
    expect(h.manager.state("pbx")?.addressSource).toBe("stun");
  });

  test("a wildcard-bound transport advertises the interface that routes to the registrar", async () => {
    const h = harness([trunk()], {
      local: { UDP: { address: "0.0.0.0", port: 5062 } },
      net: {
        localAddressTowards: (r) => Promise.resolve(r.address === "192.0.2.10" ? "192.0.2.99" : undefined),
      },
    });
    h.manager.start();
    await h.run(0);
    expect(header(h, 0, "Contact")).toBe("<sip:alice@192.0.2.99:5062>");
    expect(h.manager.state("pbx")?.addressSource).toBe("route");
  });

  test("a TLS trunk with no TLS transport listening reports why and retries", async () => {
    const h = harness([trunk({ transport: "tls", port: 5061 })], {
      local: { UDP: { address: "10.0.0.2", port: 5060 } },
    });
    h.manager.start();
    await h.run(0);
    expect(h.manager.state("pbx")).toMatchObject({
      registered: false,
      phase: "backoff",
      lastError: "no TLS transport is listening",
      retryInMs: 1000,
    });
    expect(h.registrar.sent.length).toBe(0);
  });

  test("keep-alives go to the registrar every 30 s while registered and stop when registration fails", async () => {
    const h = harness([trunk({ transport: "tcp" })], { grant: 3600 });
    h.manager.start();
    await h.run(90_000);
    expect(h.registrar.keepAlives.map((k) => k.at)).toEqual([30_000, 60_000, 90_000]);
    expect(h.registrar.keepAlives[0]!.target).toEqual({ protocol: "TCP", address: "192.0.2.10", port: 5060 });
  });

  test("keep-alives stop once a refresh fails", async () => {
    const h = harness([trunk()], { grant: 100 });
    h.manager.start();
    await h.run(45_000);
    h.registrar.mode = "silent"; // the refresh at 50 s fails
    await h.run(200_000);
    expect(h.manager.isRegistered("pbx")).toBe(false);
    expect(h.registrar.keepAlives.map((k) => k.at)).toEqual([30_000]);
  });

  test("a 2xx that bound an address the registrar does not see us at is followed by a corrected REGISTER", async () => {
    const h = harness([trunk()], { noChallenge: true, seenFrom: { address: "203.0.113.5", port: 40_000 } });
    h.manager.start();
    await h.run(0);
    expect(h.registrar.sent.map((s) => getHeader(s.request, "Contact"))).toEqual([
      "<sip:alice@10.0.0.2:5060>",
      "<sip:alice@203.0.113.5:40000>",
    ]);
    expect(h.registrar.bindings.get("alice")?.contact).toBe("sip:alice@203.0.113.5:40000");
    await h.run(30_000);
    expect(h.registrar.sent.length).toBe(3); // then only the normal refresh
  });

  test("a registrar whose view of us changes on every answer gets one immediate corrected REGISTER, then only refreshes", async () => {
    let port = 40_000;
    const h = harness([trunk()], {
      noChallenge: true,
      seenFrom: () => ({ address: "203.0.113.5", port: port++ }),
    });
    h.manager.start();
    await h.run(0);
    expect(h.registrar.sent.length).toBe(2);
    expect(h.manager.isRegistered("pbx")).toBe(true);
    await h.run(30_000);
    expect(h.registrar.sent.length).toBe(3);
    // Each REGISTER carries the address the previous answer named.
    expect(getHeader(h.registrar.sent[2]!.request, "Contact")).toBe("<sip:alice@203.0.113.5:40001>");
  });
});

describe("shutdown", () => {
  test("stop sends REGISTER Expires: 0 and removes the binding", async () => {
    const h = harness([trunk()]);
    h.manager.start();
    await h.run(0);
    await h.manager.stop();
    const last = h.registrar.sent.at(-1)!.request;
    expect(getHeader(last, "Expires")).toBe("0");
    expect(h.registrar.registered("alice")).toBe(false);
    expect(h.manager.state("pbx")).toMatchObject({ phase: "stopped", registered: false });
  });

  test("stop gives up after the bounded wait when the registrar is silent", async () => {
    const h = harness([trunk()]);
    h.manager.start();
    await h.run(0);
    h.registrar.mode = "hang";
    let done = false;
    const stopped = h.manager.stop(2000).then(() => {
      done = true;
    });
    await h.run(1900);
    expect(done).toBe(false);
    await h.run(100);
    await stopped;
    expect(done).toBe(true);
  });
});
