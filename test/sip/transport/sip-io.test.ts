import { afterEach, describe, expect, test } from "bun:test";
import { utf8 } from "../../../src/lib/bytes.ts";
import {
  createRequest,
  createResponse,
  type SipRequest,
  type SipResponse,
  topVia,
} from "../../../src/sip/message/index.ts";
import { SipIo, type Source } from "../../../src/sip/transport/sip-io.ts";
import { createStreamTransport } from "../../../src/sip/transport/stream-transport.ts";
import type { TransportProtocol } from "../../../src/sip/transport/types.ts";
import { createUdpTransport } from "../../../src/sip/transport/udp-transport.ts";
import { seededRandom } from "../../support/seeded-random.ts";

const ios: SipIo[] = [];
afterEach(async () => {
  for (const io of ios.splice(0)) await io.close();
});

async function makeIo(protocol: TransportProtocol, seed: number) {
  const io = new SipIo(seededRandom(seed));
  const requests: Array<[SipRequest, Source]> = [];
  const responses: SipResponse[] = [];
  io.setHandlers({
    onRequest: (r, s) => void requests.push([r, s]),
    onResponse: (r) => void responses.push(r),
  });
  const onMessage = io.receive.bind(io);
  const t =
    protocol === "UDP"
      ? await createUdpTransport({ hostname: "127.0.0.1", port: 0, onMessage })
      : await createStreamTransport({ protocol: "TCP", hostname: "127.0.0.1", port: 0, onMessage });
  io.addTransport(t);
  ios.push(io);
  return { io, t, requests, responses };
}

async function until(cond: () => boolean, ms = 2000) {
  const end = performance.now() + ms;
  while (!cond() && performance.now() < end) await Bun.sleep(5);
}

function options(): SipRequest {
  return createRequest({
    method: "OPTIONS",
    uri: "sip:gw@127.0.0.1",
    headers: [
      { name: "From", value: "<sip:a@127.0.0.1>;tag=1" },
      { name: "To", value: "<sip:gw@127.0.0.1>" },
      { name: "Call-ID", value: "io-1" },
      { name: "CSeq", value: "1 OPTIONS" },
    ],
  });
}

describe("SipIo", () => {
  for (const protocol of ["UDP", "TCP"] as const) {
    test(`${protocol}: adds our Via with branch and rport, stamps received/rport, routes the response back`, async () => {
      const a = await makeIo(protocol, 1);
      const b = await makeIo(protocol, 2);
      expect(
        await a.io.sendRequest(options(), { protocol, address: "127.0.0.1", port: b.t.local.port }),
      ).toBe(true);
      await until(() => b.requests.length > 0);
      const [req, source] = b.requests[0]!;
      const via = topVia(req)!;
      expect(via.transport).toBe(protocol);
      expect(via.port).toBe(a.t.local.port);
      expect(via.params.get("branch")).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
      expect(via.params.get("rport")).toBe(String(source.remote.port));
      expect(via.params.get("received")).toBe("127.0.0.1");
      expect(await b.io.sendResponse(createResponse(req, 200), source)).toBe(true);
      await until(() => a.responses.length > 0);
      expect(a.responses[0]!.status).toBe(200);
    });
  }

  test("drops unparseable datagrams without calling the handlers", async () => {
    const b = await makeIo("UDP", 3);
    b.io.receive({
      protocol: "UDP",
      data: utf8("not sip at all\r\n\r\n"),
      remote: { address: "127.0.0.1", port: 9 },
      local: b.t.local,
    });
    expect(b.requests.length + b.responses.length).toBe(0);
  });

  test("keeps a Via the caller already set (e.g. CANCEL reusing the INVITE branch)", async () => {
    const a = await makeIo("UDP", 4);
    const withVia = a.io.withOurVia(options(), "UDP", "z9hG4bKfixed");
    const b = await makeIo("UDP", 5);
    await a.io.sendRequest(withVia, { protocol: "UDP", address: "127.0.0.1", port: b.t.local.port });
    await until(() => b.requests.length > 0);
    expect(topVia(b.requests[0]![0])?.params.get("branch")).toBe("z9hG4bKfixed");
  });
});
