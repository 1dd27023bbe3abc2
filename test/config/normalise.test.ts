/**
 * The normalised `Config` a valid file produces (spec/config.md §2): the sip block as trunk
 * `default`, default SIP ports by transport, `host:port` and bracketed IPv6, codec aliases,
 * peer and server defaults, durations, and the warnings of §2 and §4. Every case in YAML and TOML.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { type Config, type ConfigResult, loadConfig } from "../../src/config/index.ts";
import { type Cidr, parseCidr } from "../../src/lib/ip.ts";
import { createCaseDir, FORMATS } from "./support/load-both.ts";

const dir = createCaseDir();
afterAll(() => dir.remove());

const BASE = `listen: { http: "127.0.0.1:8080" }
webhook: { url: "http://127.0.0.1:3000/events" }
`;

function both(name: string, yaml: string): Array<Extract<ConfigResult, { ok: true }>> {
  const r = dir.load(name, yaml);
  return FORMATS.map((f) => {
    const one = r[f];
    if (!one.ok) throw new Error(`${f}: ${one.errors.join("\n")}`);
    return one;
  });
}

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (typeof c === "string") throw new Error(c);
  return c;
}

function configs(name: string, yaml: string): Config[] {
  return both(name, yaml).map((r) => r.config);
}

describe("sip block and trunks", () => {
  test("the sip block becomes the trunk named default on port 5060 over udp", () => {
    for (const c of configs(
      "sip-default",
      `${BASE}sip: { username: "1001", password: s, host: sip.example.com }\n`,
    )) {
      expect(c.trunks).toEqual([
        {
          name: "default",
          username: "1001",
          password: "s",
          host: "sip.example.com",
          port: 5060,
          transport: "udp",
          rtpPorts: { min: 0, max: 0 },
          srtp: false,
        },
      ]);
    }
  });

  const ports: Array<[string, string, string, string, number]> = [
    ["tcp keeps 5060", "tcp", "sip.example.com", "sip.example.com", 5060],
    ["tls defaults to 5061", "tls", "sip.example.com", "sip.example.com", 5061],
    ["an explicit port wins over the tls default", "tls", "sip.example.com:5071", "sip.example.com", 5071],
    ["host:port is honoured", "udp", "192.168.1.10:5070", "192.168.1.10", 5070],
    ["a bracketed IPv6 host with a port", "udp", "[::1]:5070", "::1", 5070],
    ["a bracketed IPv6 host without a port", "tls", "[2001:db8::1]", "2001:db8::1", 5061],
  ];
  ports.forEach(([what, transport, written, host, port], i) => {
    test(`sip.host: ${what}`, () => {
      const yaml = `${BASE}sip: { username: "1001", password: s, host: "${written}", transport: ${transport} }\n`;
      for (const c of configs(`sip-port-${i}`, yaml)) {
        expect([c.trunks[0]!.host, c.trunks[0]!.port]).toEqual([host, port]);
      }
    });
  });

  test("an empty sip.username leaves the block unused", () => {
    for (const c of configs("sip-empty", `${BASE}sip: { username: "" }\n`)) expect(c.trunks).toEqual([]);
  });

  test("trunks keep their order, names and per-trunk settings", () => {
    const yaml = `${BASE}trunks:
  - { name: telnyx, username: "1001", password: s1, host: sip.telnyx.com, transport: tls, srtp: true, stun_server: "stun.l.google.com:19302" }
  - { name: office, username: "2000", password: s2, host: 192.168.1.10, rtp_port_min: 10000, rtp_port_max: 10100 }
`;
    for (const c of configs("trunks", yaml)) {
      expect(c.trunks.map((t) => [t.name, t.host, t.port, t.transport, t.srtp])).toEqual([
        ["telnyx", "sip.telnyx.com", 5061, "tls", true],
        ["office", "192.168.1.10", 5060, "udp", false],
      ]);
      expect(c.trunks[0]!.stunServer).toEqual({ host: "stun.l.google.com", port: 19302 });
      expect(c.trunks[1]!.rtpPorts).toEqual({ min: 10000, max: 10100 });
    }
  });

  test("a stun_server without a port uses 3478", () => {
    const yaml = `${BASE}sip: { username: "1001", password: s, host: pbx.lan, stun_server: stun.example.com }\n`;
    for (const c of configs("stun", yaml))
      expect(c.trunks[0]!.stunServer).toEqual({ host: "stun.example.com", port: 3478 });
  });

  test("sip and trunks together: trunks win and the sip block is named in a warning", () => {
    const yaml = `${BASE}sip: { username: "1001", password: s, host: pbx.lan }
trunks:
  - { name: office, username: "2000", password: s2, host: 192.168.1.10 }
`;
    for (const r of both("sip-and-trunks", yaml)) {
      expect(r.config.trunks.map((t) => t.name)).toEqual(["office"]);
      expect(r.warnings).toEqual(["the sip block is ignored because trunks is set"]);
    }
  });
});

describe("server and peers", () => {
  test("peers get port 5060, every codec and parsed source blocks by default", () => {
    const yaml = `${BASE}server:
  listen: "0.0.0.0:5080"
  peers:
    - { name: pbx, host: 192.168.1.20 }
    - { name: carrier, hosts: ["54.172.60.0/30", "2001:db8::/32", "10.1.2.3"] }
    - { name: branch, auth: { username: branch, password: s3 }, port: 5070, rtp_address: 198.51.100.4 }
`;
    for (const c of configs("peers", yaml)) {
      expect(c.server).toEqual({
        listen: { host: "0.0.0.0", port: 5080 },
        rtpPorts: { min: 0, max: 0 },
        peers: [
          { name: "pbx", host: "192.168.1.20", hosts: [], port: 5060, codecs: [] },
          {
            name: "carrier",
            hosts: [cidr("54.172.60.0/30"), cidr("2001:db8::/32"), cidr("10.1.2.3")],
            port: 5060,
            codecs: [],
          },
          {
            name: "branch",
            hosts: [],
            port: 5070,
            codecs: [],
            auth: { username: "branch", password: "s3" },
            rtpAddress: "198.51.100.4",
          },
        ],
      });
      expect(c.server?.peers[1]?.hosts.map((h) => [h.family, h.prefix])).toEqual([
        [4, 30],
        [6, 32],
        [4, 32],
      ]);
    }
  });

  test("peer host and rtp addresses are kept as bare IP literals, without brackets or blanks", () => {
    const yaml = `${BASE}server:
  listen: "[::]:5080"
  rtp_address: "[2001:db8::5]"
  peers:
    - { name: v6, host: "[2001:db8::7]", rtp_address: " 192.0.2.10 " }
`;
    for (const c of configs("bare-ip", yaml)) {
      expect(c.server?.rtpAddress).toBe("2001:db8::5");
      expect(c.server?.peers[0]?.host).toBe("2001:db8::7");
      expect(c.server?.peers[0]?.rtpAddress).toBe("192.0.2.10");
    }
  });

  test("codec names are case-insensitive aliases, de-duplicated in first-seen order", () => {
    const yaml = `${BASE}server:
  listen: "127.0.0.1:5080"
  peers:
    - { name: pbx, host: 192.168.1.20, codecs: [ulaw, MULAW, pcmu, Opus, alaw, PCMA, G722] }
    - { name: pbx2, host: 192.168.1.21, codecs: [mulaw] }
`;
    for (const c of configs("codecs", yaml)) {
      expect(c.server?.peers[0]?.codecs).toEqual(["pcmu", "opus", "pcma", "g722"]);
      expect(c.server?.peers[1]?.codecs).toEqual(["pcmu"]);
    }
  });

  test("server keeps its RTP range, rtp_address and a bracketed IPv6 listen address", () => {
    const yaml = `${BASE}server: { listen: "[::]:5080", rtp_port_min: 10000, rtp_port_max: 10999, rtp_address: 203.0.113.7 }\n`;
    for (const r of both("server-v6", yaml)) {
      expect(r.config.server).toEqual({
        listen: { host: "::", port: 5080 },
        rtpPorts: { min: 10000, max: 10999 },
        rtpAddress: "203.0.113.7",
        peers: [],
      });
      expect(r.warnings).toEqual([]);
    }
  });

  test("server.listen port 0 (any free port) never clashes with an RTP range", () => {
    const yaml = `${BASE}server: { listen: "127.0.0.1:0", rtp_port_min: 1024, rtp_port_max: 65535 }\n`;
    for (const c of configs("listen-0", yaml))
      expect(c.server?.listen).toEqual({ host: "127.0.0.1", port: 0 });
  });

  test("a server.listen port just outside the RTP range is accepted", () => {
    const yaml = `${BASE}server: { listen: "127.0.0.1:9999", rtp_port_min: 10000, rtp_port_max: 10999 }\n`;
    for (const c of configs("listen-edge", yaml)) expect(c.server?.listen.port).toBe(9999);
  });
});

describe("webhook, stream, auth, rate limit", () => {
  const durations: Array<[string, number]> = [
    ["100ms", 100],
    ["500ms", 500],
    ["5s", 5000],
    ["60s", 60_000],
    ["1m", 60_000],
  ];
  durations.forEach(([text, ms], i) => {
    test(`webhook.timeout "${text}" is ${ms} ms`, () => {
      const yaml = `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "https://example.com/hook", timeout: "${text}" }\n`;
      for (const c of configs(`duration-${i}`, yaml)) expect(c.webhook.timeoutMs).toBe(ms);
    });
  });

  test("retry accepts 0 and 10; encoding, api key and rate limit are kept", () => {
    for (const retry of [0, 10]) {
      const yaml = `listen: { http: "127.0.0.1:8080" }
webhook: { url: "https://example.com/hook", retry: ${retry} }
stream: { encoding: audio/x-l16, sample_rate: 8000 }
auth: { api_key: change-me }
rate_limit: { requests_per_second: 100 }
`;
      for (const c of configs(`retry-${retry}`, yaml)) {
        expect(c.webhook).toEqual({ url: "https://example.com/hook", timeoutMs: 5000, retry });
        expect(c.stream).toEqual({ encoding: "audio/x-l16", sampleRate: 8000 });
        expect(c.auth).toEqual({ apiKey: "change-me" });
        expect(c.rateLimit).toEqual({ requestsPerSecond: 100 });
      }
    }
  });

  test("a file with only the required keys is file mode and warns that no SIP side is configured", () => {
    for (const r of both("minimal", BASE)) {
      expect(r.config.file).toBe(true);
      expect(r.config.trunks).toEqual([]);
      expect(r.config.server).toBeUndefined();
      expect(r.warnings).toEqual([
        "neither sip, trunks nor server is configured: only the REST API and WebSockets run",
      ]);
    }
  });

  test("localhost is accepted as a listen host", () => {
    const yaml = `listen: { http: "localhost:8080" }\nwebhook: { url: "http://localhost:3000/events" }\n`;
    for (const c of configs("localhost", yaml))
      expect(c.listen.http).toEqual({ host: "localhost", port: 8080 });
  });

  test("loading without a file marks the config as not from a file", () => {
    const r = loadConfig({ env: {} });
    expect(r.ok && r.config.file).toBe(false);
  });
});
