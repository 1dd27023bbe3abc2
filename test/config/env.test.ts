/**
 * `XBRIDGE_*` overrides (spec/config.md §4): each of the 18 variables lands on its key, env >
 * file > default, an empty variable is unset, bad values name the variable, and the sip
 * variables give way to `trunks`. Also the built-in defaults when no file is given (§1).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Config, loadConfig } from "../../src/config/index.ts";
import { skipWithout } from "../support/peers.ts";
import { createCaseDir, errorsOf, FORMATS } from "./support/load-both.ts";
import { makeTlsPair, type TlsPair } from "./support/tls-pair.ts";

const dir = createCaseDir();
afterAll(() => dir.remove());

/** A file that sets every key an environment variable can override, to values no row uses. */
const FULL = `listen: { http: "127.0.0.1:8080" }
sip:
  username: "1001"
  password: file-secret
  host: pbx.lan
  transport: udp
  srtp: false
  stun_server: "stun.example.com:3478"
  rtp_port_min: 20000
  rtp_port_max: 20999
webhook: { url: "http://127.0.0.1:3000/events", timeout: "5s", retry: 1 }
stream: { encoding: audio/x-mulaw, sample_rate: 8000 }
auth: { api_key: file-key }
rate_limit: { requests_per_second: 50 }
`;

const noOpenssl = skipWithout("openssl");
let pair: TlsPair = { cert: "", key: "" };
let copy: TlsPair = { cert: "", key: "" };
beforeAll(async () => {
  if (noOpenssl) return;
  const tlsDir = join(dir.dir, "tls");
  mkdirSync(tlsDir);
  pair = await makeTlsPair(tlsDir, "file");
  copy = { cert: join(tlsDir, "env.crt"), key: join(tlsDir, "env.key") };
  copyFileSync(pair.cert, copy.cert);
  copyFileSync(pair.key, copy.key);
});

function ok(r: ReturnType<typeof loadConfig>): Config {
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
}

interface Row {
  variable: string;
  value: () => string;
  /** The file for this row, when FULL cannot show the override. */
  yaml?: () => string;
  /** The file whose config, edited by `apply`, is expected (default: the row's file). */
  base?: () => string;
  /** Edits the config FULL loads to into the config expected with the variable set. */
  apply: (c: Config) => void;
  openssl?: true;
}

const tlsFile = () => `${FULL}tls: { cert: "${pair.cert}", key: "${pair.key}" }\n`;

const rows: Row[] = [
  {
    variable: "XBRIDGE_LISTEN_HTTP",
    value: () => "[::1]:9090",
    apply: (c) => {
      c.listen.http = { host: "::1", port: 9090 };
    },
  },
  {
    variable: "XBRIDGE_SIP_USERNAME",
    value: () => "alice",
    apply: (c) => {
      c.trunks[0]!.username = "alice";
    },
  },
  {
    variable: "XBRIDGE_SIP_PASSWORD",
    value: () => "env-secret",
    apply: (c) => {
      c.trunks[0]!.password = "env-secret";
    },
  },
  {
    variable: "XBRIDGE_SIP_HOST",
    value: () => "sip.example.com:5070",
    apply: (c) => {
      c.trunks[0]!.host = "sip.example.com";
      c.trunks[0]!.port = 5070;
    },
  },
  {
    variable: "XBRIDGE_SIP_TRANSPORT",
    value: () => "tls",
    apply: (c) => {
      c.trunks[0]!.transport = "tls";
      c.trunks[0]!.port = 5061;
    },
  },
  {
    variable: "XBRIDGE_SIP_SRTP",
    value: () => "1",
    apply: (c) => {
      c.trunks[0]!.srtp = true;
    },
  },
  {
    variable: "XBRIDGE_SIP_STUN_SERVER",
    value: () => "stun.l.google.com:19302",
    apply: (c) => {
      c.trunks[0]!.stunServer = { host: "stun.l.google.com", port: 19302 };
    },
  },
  {
    variable: "XBRIDGE_SIP_RTP_PORT_MIN",
    value: () => "20500",
    apply: (c) => {
      c.trunks[0]!.rtpPorts.min = 20500;
    },
  },
  {
    variable: "XBRIDGE_SIP_RTP_PORT_MAX",
    value: () => "21999",
    apply: (c) => {
      c.trunks[0]!.rtpPorts.max = 21999;
    },
  },
  {
    variable: "XBRIDGE_WEBHOOK_URL",
    value: () => "https://hooks.example.com/xbridge",
    apply: (c) => {
      c.webhook.url = "https://hooks.example.com/xbridge";
    },
  },
  {
    variable: "XBRIDGE_WEBHOOK_TIMEOUT",
    value: () => "750ms",
    apply: (c) => {
      c.webhook.timeoutMs = 750;
    },
  },
  {
    variable: "XBRIDGE_WEBHOOK_RETRY",
    value: () => "0",
    apply: (c) => {
      c.webhook.retry = 0;
    },
  },
  {
    variable: "XBRIDGE_STREAM_ENCODING",
    value: () => "audio/x-l16",
    apply: (c) => {
      c.stream.encoding = "audio/x-l16";
    },
  },
  {
    // 8000 is the only accepted rate, so the file carries an unsupported one the variable replaces.
    variable: "XBRIDGE_STREAM_SAMPLE_RATE",
    value: () => "8000",
    yaml: () => FULL.replace("sample_rate: 8000", "sample_rate: 16000"),
    base: () => FULL,
    apply: () => {},
  },
  {
    variable: "XBRIDGE_AUTH_API_KEY",
    value: () => "env-key",
    apply: (c) => {
      c.auth.apiKey = "env-key";
    },
  },
  {
    variable: "XBRIDGE_RATE_LIMIT_RPS",
    value: () => "7",
    apply: (c) => {
      c.rateLimit.requestsPerSecond = 7;
    },
  },
  {
    variable: "XBRIDGE_TLS_CERT",
    value: () => copy.cert,
    yaml: tlsFile,
    apply: (c) => {
      c.tls = { certPath: copy.cert, keyPath: pair.key, cert: c.tls!.cert, key: c.tls!.key };
    },
    openssl: true,
  },
  {
    variable: "XBRIDGE_TLS_KEY",
    value: () => copy.key,
    yaml: tlsFile,
    apply: (c) => {
      c.tls = { certPath: pair.cert, keyPath: copy.key, cert: c.tls!.cert, key: c.tls!.key };
    },
    openssl: true,
  },
];

describe("XBRIDGE_* environment overrides", () => {
  test("the table covers all 18 variables of spec/config.md §4", () => {
    expect(new Set(rows.map((r) => r.variable)).size).toBe(18);
  });

  rows.forEach((row, i) => {
    test.skipIf(row.openssl === true && noOpenssl)(`${row.variable} overrides the file's value`, () => {
      const yaml = row.yaml?.() ?? FULL;
      const base = dir.load(`env-base-${i}`, row.base?.() ?? yaml);
      const withEnv = dir.load(`env-${i}`, yaml, { [row.variable]: row.value() });
      for (const format of FORMATS) {
        const expected = structuredClone(ok(base[format]));
        row.apply(expected);
        expect(ok(withEnv[format])).toEqual(expected);
      }
    });
  });

  test("precedence is environment, then file, then default", () => {
    const webhook = (yaml: string, env: Record<string, string>) =>
      FORMATS.map((f) => ok(dir.load("precedence", yaml, env)[f]).webhook);
    const withFile = `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/e", timeout: "2s", retry: 3 }\n`;
    const without = `listen: { http: "127.0.0.1:8080" }\nwebhook: { url: "http://127.0.0.1:3000/e" }\n`;
    for (const w of webhook(without, {})) expect([w.timeoutMs, w.retry]).toEqual([5000, 1]);
    for (const w of webhook(withFile, {})) expect([w.timeoutMs, w.retry]).toEqual([2000, 3]);
    for (const w of webhook(withFile, { XBRIDGE_WEBHOOK_TIMEOUT: "750ms", XBRIDGE_WEBHOOK_RETRY: "5" }))
      expect([w.timeoutMs, w.retry]).toEqual([750, 5]);
  });

  test("a variable set to the empty string counts as unset", () => {
    const empty = Object.fromEntries(rows.map((r) => [r.variable, ""]));
    const plain = dir.load("empty-base", FULL);
    const r = dir.load("empty-env", FULL, empty);
    for (const format of FORMATS) expect(ok(r[format])).toEqual(ok(plain[format]));
  });

  test("an empty XBRIDGE_LISTEN_HTTP does not satisfy the required listen.http", () => {
    const r = dir.load("empty-listen", `webhook: { url: "http://127.0.0.1:3000/events" }\n`, {
      XBRIDGE_LISTEN_HTTP: "",
    });
    for (const format of FORMATS)
      expect(errorsOf(r[format])).toEqual(["config error: listen.http: is required"]);
  });

  test("a variable can supply a key the file requires", () => {
    const r = dir.load("env-supplies", `listen: { http: "127.0.0.1:8080" }\n`, {
      XBRIDGE_WEBHOOK_URL: "http://127.0.0.1:4000/hook",
    });
    for (const format of FORMATS) expect(ok(r[format]).webhook.url).toBe("http://127.0.0.1:4000/hook");
  });

  const bad: Array<[string, string, string]> = [
    ["XBRIDGE_SIP_RTP_PORT_MIN", "abc", '"abc" is not an integer 0–65535'],
    ["XBRIDGE_SIP_RTP_PORT_MAX", "70000", '"70000" is not an integer 0–65535'],
    ["XBRIDGE_SIP_RTP_PORT_MIN", "-1", '"-1" is not an integer 0–65535'],
    ["XBRIDGE_SIP_SRTP", "yes", '"yes" is not a boolean (true, false, 1, 0)'],
    ["XBRIDGE_WEBHOOK_RETRY", "11", '"11" is not an integer 0–10'],
    ["XBRIDGE_WEBHOOK_RETRY", "one", '"one" is not an integer 0–10'],
    ["XBRIDGE_RATE_LIMIT_RPS", "0", '"0" is not an integer ≥ 1'],
    ["XBRIDGE_RATE_LIMIT_RPS", "1.5", '"1.5" is not an integer ≥ 1'],
    ["XBRIDGE_WEBHOOK_TIMEOUT", "5", '"5" is not a duration (use e.g. "500ms", "5s", "1m")'],
    ["XBRIDGE_STREAM_SAMPLE_RATE", "8k", '"8k" is not an integer'],
    // Values that convert but break a rule are named by the variable too.
    ["XBRIDGE_STREAM_SAMPLE_RATE", "16000", "only 8000 is supported (got 16000)"],
    ["XBRIDGE_WEBHOOK_TIMEOUT", "90s", 'must be between 100ms and 60s (got "90s")'],
    ["XBRIDGE_SIP_TRANSPORT", "TLS", 'must be one of "udp", "tcp", "tls" (got "TLS")'],
    ["XBRIDGE_STREAM_ENCODING", "pcm", 'must be one of "audio/x-mulaw", "audio/x-l16" (got "pcm")'],
    ["XBRIDGE_LISTEN_HTTP", "8080", '"8080" needs a port (host:port)'],
    ["XBRIDGE_WEBHOOK_URL", "localhost:3000", '"localhost:3000" is not an absolute http:// or https:// URL'],
    ["XBRIDGE_SIP_HOST", "pbx lan", '"pbx lan" has an invalid host'],
    ["XBRIDGE_SIP_STUN_SERVER", "stun:99999", '"stun:99999" has a port outside 1–65535'],
    ["XBRIDGE_AUTH_API_KEY", " ", "must not be empty"],
    ["XBRIDGE_SIP_RTP_PORT_MIN", "500", "must be ≥ 1024 (got 500)"],
  ];
  for (const [variable, value, problem] of bad) {
    test(`${variable}=${JSON.stringify(value)} is an error naming the variable`, () => {
      const r = dir.load("bad-env", FULL, { [variable]: value });
      for (const format of FORMATS)
        expect(errorsOf(r[format])).toEqual([`config error: ${variable}: ${problem}`]);
    });
  }

  test("reports every bad variable, one line each", () => {
    const r = loadConfig({
      env: { XBRIDGE_SIP_SRTP: "maybe", XBRIDGE_WEBHOOK_RETRY: "99", XBRIDGE_RATE_LIMIT_RPS: "-3" },
    });
    expect(errorsOf(r)).toEqual([
      'config error: XBRIDGE_SIP_SRTP: "maybe" is not a boolean (true, false, 1, 0)',
      'config error: XBRIDGE_WEBHOOK_RETRY: "99" is not an integer 0–10',
      'config error: XBRIDGE_RATE_LIMIT_RPS: "-3" is not an integer ≥ 1',
    ]);
  });

  test("XBRIDGE_SIP_USERNAME alone is an error naming sip.password and sip.host", () => {
    expect(errorsOf(loadConfig({ env: { XBRIDGE_SIP_USERNAME: "1001" } }))).toEqual([
      "config error: sip.password: is required when sip.username is set",
      "config error: sip.host: is required when sip.username is set",
    ]);
  });

  test("the three XBRIDGE_SIP_ credentials alone make the trunk default", () => {
    const c = ok(
      loadConfig({
        env: { XBRIDGE_SIP_USERNAME: "1001", XBRIDGE_SIP_PASSWORD: "pw", XBRIDGE_SIP_HOST: "192.168.1.10" },
      }),
    );
    expect(c.trunks).toEqual([
      {
        name: "default",
        username: "1001",
        password: "pw",
        host: "192.168.1.10",
        port: 5060,
        transport: "udp",
        rtpPorts: { min: 0, max: 0 },
        srtp: false,
      },
    ]);
  });

  test("XBRIDGE_SIP_* are ignored with a warning each when trunks is set, even malformed ones", () => {
    const yaml = `listen: { http: "127.0.0.1:8080" }
webhook: { url: "http://127.0.0.1:3000/events" }
trunks:
  - { name: office, username: "2000", password: s2, host: 192.168.1.10 }
`;
    const env = { XBRIDGE_SIP_USERNAME: "1001", XBRIDGE_SIP_RTP_PORT_MIN: "abc", XBRIDGE_WEBHOOK_RETRY: "4" };
    const plain = dir.load("trunks-plain", yaml);
    const r = dir.load("trunks-env", yaml, env);
    for (const format of FORMATS) {
      const one = r[format];
      if (!one.ok) throw new Error(one.errors.join("\n"));
      expect(one.warnings).toEqual([
        "XBRIDGE_SIP_USERNAME has no effect because trunks is set",
        "XBRIDGE_SIP_RTP_PORT_MIN has no effect because trunks is set",
      ]);
      expect(one.config.trunks).toEqual(ok(plain[format]).trunks);
      expect(one.config.webhook.retry).toBe(4);
    }
  });
});

describe("defaults without a config file", () => {
  test("start from the built-in defaults and warn that nothing SIP is configured", () => {
    const r = loadConfig({ env: {} });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.config).toEqual({
      file: false,
      listen: { http: { host: "0.0.0.0", port: 8080 } },
      trunks: [],
      webhook: { url: "http://localhost:3000/events", timeoutMs: 5000, retry: 1 },
      stream: { encoding: "audio/x-mulaw", sampleRate: 8000 },
      auth: {},
      rateLimit: {},
    });
    expect(r.warnings).toEqual([
      "neither sip, trunks nor server is configured: only the REST API and WebSockets run",
    ]);
  });

  test("environment variables override the defaults", () => {
    const c = ok(loadConfig({ env: { XBRIDGE_LISTEN_HTTP: "127.0.0.1:9000", XBRIDGE_AUTH_API_KEY: "k" } }));
    expect(c.listen.http).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(c.auth).toEqual({ apiKey: "k" });
    expect(c.webhook.url).toBe("http://localhost:3000/events");
  });

  test("variables outside the 18 are not config (XBRIDGE_LOG_LEVEL, XBRIDGE_SERVER_LISTEN)", () => {
    const r = loadConfig({ env: { XBRIDGE_LOG_LEVEL: "debug", XBRIDGE_SERVER_LISTEN: "0.0.0.0:5080" } });
    expect(ok(r)).toEqual(ok(loadConfig({ env: {} })));
  });
});
