/**
 * Every rejection of spec/config.md §1–2 in both YAML and TOML: one case per rule, each with the
 * exact `config error: <key path>: <problem>` line(s) the gateway prints before exiting 1.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createCaseDir, errorsOf, FORMATS } from "./support/load-both.ts";

const dir = createCaseDir();
afterAll(() => dir.remove());

/** The two keys a file must set; most cases add to these. */
const BASE = `listen: { http: "127.0.0.1:8080" }
webhook: { url: "http://127.0.0.1:3000/events" }
`;

const TRUNK = `{ name: office, username: "2000", password: s2, host: 192.168.1.10 }`;

interface Case {
  name: string;
  yaml: string;
  errors: string[];
}

const cases: Case[] = [
  // Unknown keys (typos) anywhere.
  {
    name: "rejects an unknown top-level key",
    yaml: `${BASE}listn: { http: "0.0.0.0:8080" }\n`,
    errors: ["config error: listn: unknown key"],
  },
  {
    name: "rejects an unknown key inside a peer, naming its index",
    yaml: `${BASE}server:
  listen: "127.0.0.1:5080"
  peers:
    - { name: pbx, hostz: 192.168.1.20 }
`,
    errors: ["config error: server.peers[0].hostz: unknown key"],
  },
  {
    name: "rejects an unknown key in a section",
    yaml: `${BASE}stream: { encoding: audio/x-mulaw, samplerate: 8000 }\n`,
    errors: ["config error: stream.samplerate: unknown key"],
  },
  // Wrong types.
  {
    name: "rejects a quoted number where an integer is expected",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events", retry: "3" }\n`,
    errors: ['config error: webhook.retry: must be an integer (got "3")'],
  },
  {
    name: "rejects a string where a boolean is expected",
    yaml: `${BASE}sip: { username: "1001", password: s, host: pbx.lan, srtp: "yes" }\n`,
    errors: ['config error: sip.srtp: must be a boolean (got "yes")'],
  },
  {
    name: "rejects a scalar where a section is expected",
    yaml: `${BASE}server: "0.0.0.0:5080"\n`,
    errors: ['config error: server: must be a table/object (got "0.0.0.0:5080")'],
  },
  {
    name: "rejects a number where a string is expected",
    yaml: `${BASE}trunks:\n  - { name: office, username: 2000, password: s2, host: 192.168.1.10 }\n`,
    errors: ["config error: trunks[0].username: must be a string (got 2000)"],
  },
  {
    name: "rejects a single string where a list is expected",
    yaml: `${BASE}server:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: pbx, hosts: "10.0.0.0/8" }\n`,
    errors: ['config error: server.peers[0].hosts: must be a list (got "10.0.0.0/8")'],
  },
  {
    name: "rejects a fractional port",
    yaml: `${BASE}server:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: pbx, host: 192.168.1.20, port: 5060.5 }\n`,
    errors: ["config error: server.peers[0].port: must be an integer (got 5060.5)"],
  },
  // Addresses and CIDRs.
  {
    name: "rejects a CIDR prefix longer than 32 bits",
    yaml: `${BASE}server:
  listen: "127.0.0.1:5080"
  peers:
    - { name: pbx, host: 192.168.1.20 }
    - { name: carrier, hosts: ["54.172.60.0/33"] }
`,
    errors: ['config error: server.peers[1].hosts[0]: "54.172.60.0/33" is not an IP address or CIDR'],
  },
  {
    name: "rejects a hostname where a peer needs an IP address",
    yaml: `${BASE}server:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: pbx, host: pbx.lan }\n`,
    errors: ['config error: server.peers[0].host: "pbx.lan" is not an IP address'],
  },
  {
    name: "rejects a listen address without a port",
    yaml: `listen: { http: "127.0.0.1" }\nwebhook: { url: "http://127.0.0.1:3000/events" }\n`,
    errors: ['config error: listen.http: "127.0.0.1" needs a port (host:port)'],
  },
  {
    name: "rejects a hostname as listen address",
    yaml: `listen: { http: "example.com:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events" }\n`,
    errors: ['config error: listen.http: "example.com:8080" needs an IP address as host'],
  },
  {
    name: "rejects an IPv6 listen address without brackets",
    yaml: `${BASE}server: { listen: "::1:5080" }\n`,
    errors: ['config error: server.listen: "::1:5080": write IPv6 addresses in brackets, e.g. "[::1]:5060"'],
  },
  {
    name: "rejects a sip.host port above 65535",
    yaml: `${BASE}sip: { username: "1001", password: s, host: "sip.example.com:65536" }\n`,
    errors: ['config error: sip.host: "sip.example.com:65536" has a port outside 1–65535'],
  },
  // Required keys.
  {
    name: "requires listen.http and webhook.url when a file is given",
    yaml: `stream: { encoding: audio/x-mulaw }\n`,
    errors: ["config error: listen.http: is required", "config error: webhook.url: is required"],
  },
  {
    name: "requires server.listen when server is present",
    yaml: `${BASE}server:\n  peers:\n    - { name: pbx, host: 192.168.1.20 }\n`,
    errors: ["config error: server.listen: is required when server is present"],
  },
  {
    name: "requires a trunk name",
    yaml: `${BASE}trunks:\n  - { username: "2000", password: s2, host: 192.168.1.10 }\n`,
    errors: ["config error: trunks[0].name: must be a string (got nothing)"],
  },
  // Half-set sip credentials.
  {
    name: "requires sip.password and sip.host when sip.username is set",
    yaml: `${BASE}sip: { username: "1001" }\n`,
    errors: [
      "config error: sip.password: is required when sip.username is set",
      "config error: sip.host: is required when sip.username is set",
    ],
  },
  {
    name: "requires sip.host when only username and password are set",
    yaml: `${BASE}sip: { username: "1001", password: secret }\n`,
    errors: ["config error: sip.host: is required when sip.username is set"],
  },
  {
    name: "requires sip.username when sip.password is set",
    yaml: `${BASE}sip: { password: secret }\n`,
    errors: ["config error: sip.username: is required when sip.password or sip.host is set"],
  },
  {
    name: "requires username, password and host in every trunk",
    yaml: `${BASE}trunks:\n  - { name: office }\n`,
    errors: [
      "config error: trunks[0].password: is required",
      "config error: trunks[0].host: is required",
      "config error: trunks[0].username: is required",
    ],
  },
  // RTP port ranges.
  {
    name: "rejects an inverted RTP range",
    yaml: `${BASE}server: { listen: "127.0.0.1:5080", rtp_port_min: 11000, rtp_port_max: 10000 }\n`,
    errors: [
      "config error: server.rtp_port_min: must be lower than rtp_port_max (11000 ≥ 10000); the range needs at least 2 ports",
    ],
  },
  {
    name: "rejects a one-port RTP range",
    yaml: `${BASE}trunks:\n  - { name: office, username: "2000", password: s2, host: 192.168.1.10, rtp_port_min: 10000, rtp_port_max: 10000 }\n`,
    errors: [
      "config error: trunks[0].rtp_port_min: must be lower than rtp_port_max (10000 ≥ 10000); the range needs at least 2 ports",
    ],
  },
  {
    name: "rejects an RTP range starting below 1024",
    yaml: `${BASE}sip: { username: "1001", password: s, host: pbx.lan, rtp_port_min: 80, rtp_port_max: 2000 }\n`,
    errors: ["config error: sip.rtp_port_min: must be ≥ 1024 (got 80)"],
  },
  {
    name: "rejects an RTP range with only the upper bound",
    yaml: `${BASE}server: { listen: "127.0.0.1:5080", rtp_port_max: 10999 }\n`,
    errors: ["config error: server.rtp_port_min: set both rtp_port_min and rtp_port_max, or neither"],
  },
  {
    name: "rejects an RTP range with only the lower bound",
    yaml: `${BASE}server: { listen: "127.0.0.1:5080", rtp_port_min: 10000 }\n`,
    errors: ["config error: server.rtp_port_max: set both rtp_port_min and rtp_port_max, or neither"],
  },
  {
    name: "rejects an RTP port above 65535",
    yaml: `${BASE}server: { listen: "127.0.0.1:5080", rtp_port_min: 10000, rtp_port_max: 70000 }\n`,
    errors: ["config error: server.rtp_port_max: must be ≤ 65535 (got 70000)"],
  },
  {
    name: "rejects a server.listen port inside the server's RTP range",
    yaml: `${BASE}server: { listen: "127.0.0.1:10500", rtp_port_min: 10000, rtp_port_max: 10999 }\n`,
    errors: [
      "config error: server.listen: port 10500 lies inside the RTP port range of server (10000–10999)",
    ],
  },
  {
    name: "rejects a server.listen port inside a trunk's RTP range",
    yaml: `${BASE}trunks:
  - { name: office, username: "2000", password: s2, host: 192.168.1.10, rtp_port_min: 5000, rtp_port_max: 5100 }
server: { listen: "0.0.0.0:5080" }
`,
    errors: ["config error: server.listen: port 5080 lies inside the RTP port range of office (5000–5100)"],
  },
  // Names.
  {
    name: "rejects duplicate trunk names",
    yaml: `${BASE}trunks:\n  - ${TRUNK}\n  - ${TRUNK}\n`,
    errors: ['config error: trunks[1].name: "office" is already used by trunks[0].name'],
  },
  {
    name: "rejects a peer named like a trunk",
    yaml: `${BASE}trunks:\n  - ${TRUNK}\nserver:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: office, host: 192.168.1.20 }\n`,
    errors: [
      'config error: server.peers[0].name: "office" is already used by trunks[0].name (trunk and peer names share one namespace)',
    ],
  },
  {
    name: "rejects a peer named default when the sip block is the trunk default",
    yaml: `${BASE}sip: { username: "1001", password: s, host: pbx.lan }
server:
  listen: "127.0.0.1:5080"
  peers:
    - { name: default, host: 192.168.1.20 }
`,
    errors: [
      'config error: server.peers[0].name: "default" is already used by sip (trunk and peer names share one namespace)',
    ],
  },
  {
    name: "rejects duplicate peer names",
    yaml: `${BASE}server:
  listen: "127.0.0.1:5080"
  peers:
    - { name: pbx, host: 192.168.1.20 }
    - { name: pbx, host: 192.168.1.21 }
`,
    errors: [
      'config error: server.peers[1].name: "pbx" is already used by server.peers[0].name (trunk and peer names share one namespace)',
    ],
  },
  {
    name: "rejects an empty trunk name",
    yaml: `${BASE}trunks:\n  - { name: "", username: "2000", password: s2, host: 192.168.1.10 }\n`,
    errors: ["config error: trunks[0].name: must not be empty"],
  },
  // Peers.
  {
    name: "rejects a peer with neither host, hosts nor auth",
    yaml: `${BASE}server:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: pbx, port: 5060 }\n`,
    errors: ["config error: server.peers[0]: a peer needs at least one of host, hosts, auth"],
  },
  {
    name: "rejects peer auth with a username but no password",
    yaml: `${BASE}server:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: branch, auth: { username: branch } }\n`,
    errors: ["config error: server.peers[0].auth.password: is required when auth is present"],
  },
  {
    name: "rejects peer auth with a password but no username",
    yaml: `${BASE}server:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: branch, auth: { password: s3 } }\n`,
    errors: ["config error: server.peers[0].auth.username: is required when auth is present"],
  },
  {
    name: "rejects an unknown codec name",
    yaml: `${BASE}server:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: pbx, host: 192.168.1.20, codecs: [ulaw, g729] }\n`,
    errors: [
      'config error: server.peers[0].codecs[1]: "g729" is not a codec (ulaw, pcmu, mulaw, alaw, pcma, g722, opus)',
    ],
  },
  {
    name: "rejects a peer port of 0",
    yaml: `${BASE}server:\n  listen: "127.0.0.1:5080"\n  peers:\n    - { name: pbx, host: 192.168.1.20, port: 0 }\n`,
    errors: ["config error: server.peers[0].port: must be ≥ 1 (got 0)"],
  },
  {
    name: "rejects a bad transport",
    yaml: `${BASE}sip: { username: "1001", password: s, host: pbx.lan, transport: sctp }\n`,
    errors: ['config error: sip.transport: must be one of "udp", "tcp", "tls" (got "sctp")'],
  },
  {
    name: "rejects an upper-case transport (values are lowercase)",
    yaml: `${BASE}trunks:\n  - { name: office, username: "2000", password: s2, host: 192.168.1.10, transport: UDP }\n`,
    errors: ['config error: trunks[0].transport: must be one of "udp", "tcp", "tls" (got "UDP")'],
  },
  // Webhook.
  {
    name: "rejects a duration without a unit",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events", timeout: "5" }\n`,
    errors: ['config error: webhook.timeout: "5" is not a duration (use e.g. "500ms", "5s", "1m")'],
  },
  {
    name: "rejects a fractional duration",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events", timeout: "1.5s" }\n`,
    errors: ['config error: webhook.timeout: "1.5s" is not a duration (use e.g. "500ms", "5s", "1m")'],
  },
  {
    name: "rejects a timeout below 100 ms",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events", timeout: "99ms" }\n`,
    errors: ['config error: webhook.timeout: must be between 100ms and 60s (got "99ms")'],
  },
  {
    name: "rejects a timeout above 60 s",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events", timeout: "2m" }\n`,
    errors: ['config error: webhook.timeout: must be between 100ms and 60s (got "2m")'],
  },
  {
    name: "rejects retry 11",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events", retry: 11 }\n`,
    errors: ["config error: webhook.retry: must be ≤ 10 (got 11)"],
  },
  {
    name: "rejects a negative retry",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/events", retry: -1 }\n`,
    errors: ["config error: webhook.retry: must be ≥ 0 (got -1)"],
  },
  {
    name: "rejects a webhook URL that is not http(s)",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "ftp://127.0.0.1/events" }\n`,
    errors: [
      'config error: webhook.url: "ftp://127.0.0.1/events" is not an absolute http:// or https:// URL',
    ],
  },
  {
    name: "rejects a relative webhook URL",
    yaml: `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "/events" }\n`,
    errors: ['config error: webhook.url: "/events" is not an absolute http:// or https:// URL'],
  },
  // Stream, auth, rate limit, tls.
  {
    name: "rejects stream.sample_rate 16000",
    yaml: `${BASE}stream: { sample_rate: 16000 }\n`,
    errors: ["config error: stream.sample_rate: only 8000 is supported (got 16000)"],
  },
  {
    name: "rejects an unknown stream encoding",
    yaml: `${BASE}stream: { encoding: audio/x-alaw }\n`,
    errors: [
      'config error: stream.encoding: must be one of "audio/x-mulaw", "audio/x-l16" (got "audio/x-alaw")',
    ],
  },
  {
    name: "rejects rate_limit.requests_per_second 0",
    yaml: `${BASE}rate_limit: { requests_per_second: 0 }\n`,
    errors: ["config error: rate_limit.requests_per_second: must be ≥ 1 (got 0)"],
  },
  {
    name: "rejects an empty api_key",
    yaml: `${BASE}auth: { api_key: "" }\n`,
    errors: ["config error: auth.api_key: must not be empty"],
  },
  {
    name: "rejects a blank api_key",
    yaml: `${BASE}auth: { api_key: "   " }\n`,
    errors: ["config error: auth.api_key: must not be empty"],
  },
  {
    name: "rejects tls.cert without tls.key",
    yaml: `${BASE}tls: { cert: /etc/xbridge/cert.pem }\n`,
    errors: ["config error: tls.key: tls.cert and tls.key must be set together"],
  },
  {
    name: "rejects tls.key without tls.cert",
    yaml: `${BASE}tls: { key: /etc/xbridge/key.pem }\n`,
    errors: ["config error: tls.cert: tls.cert and tls.key must be set together"],
  },
  // Several problems at once: one line each, in key order.
  {
    name: "reports every value problem of one file, one line each",
    yaml: `listen: { http: "127.0.0.1:8080" }
webhook: { url: "http://127.0.0.1:3000/events", timeout: "1h" }
server:
  listen: "127.0.0.1:5080"
  peers:
    - { name: a, hosts: ["10.0.0.0/8", "300.0.0.1"] }
    - { name: b }
auth: { api_key: "" }
`,
    errors: [
      'config error: server.peers[0].hosts[1]: "300.0.0.1" is not an IP address or CIDR',
      "config error: server.peers[1]: a peer needs at least one of host, hosts, auth",
      'config error: webhook.timeout: "1h" is not a duration (use e.g. "500ms", "5s", "1m")',
      "config error: auth.api_key: must not be empty",
    ],
  },
];

describe("config file errors", () => {
  cases.forEach((c, i) => {
    for (const format of FORMATS) {
      test(`${c.name} (${format})`, () => {
        const results = dir.load(`case-${i}`, c.yaml);
        expect(errorsOf(results[format])).toEqual(c.errors);
      });
    }
  });
});
