/**
 * Cost of parsing and serializing one SIP message (RFC 3261 §7) — a typical INVITE with an SDP
 * offer as a PBX sends it, ~1 KB — next to baselines measured in the same run: decoding the
 * same bytes with TextDecoder and splitting them into lines (and lines into name/value), the
 * least any text parser must do. Run alone: `bun run bench/sip-parse.bench.ts`.
 */
import { utf8 } from "../src/lib/bytes.ts";
import {
  createResponse,
  getHeader,
  parseMessage,
  parseNameAddr,
  serializeMessage,
  topVia,
} from "../src/sip/message/index.ts";

const SDP = [
  "v=0",
  "o=- 3912395012 3912395012 IN IP4 203.0.113.10",
  "s=Asterisk",
  "c=IN IP4 203.0.113.10",
  "t=0 0",
  "m=audio 18234 RTP/AVP 0 8 9 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:9 G722/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-16",
  "a=ptime:20",
  "a=maxptime:150",
  "a=sendrecv",
  "",
].join("\r\n");

const INVITE = utf8(
  [
    "INVITE sip:+15551234567@gw.example.com:5060;transport=udp SIP/2.0",
    "Via: SIP/2.0/UDP 203.0.113.10:5060;rport;branch=z9hG4bKPj3c1b5a7e-9f2d-4c1a-8d3e-5b6a7c8d9e0f",
    "Max-Forwards: 70",
    'From: "Alice Example" <sip:alice@pbx.example.com>;tag=8f3c2a1b-4d5e-6f70-8192-a3b4c5d6e7f8',
    "To: <sip:+15551234567@gw.example.com>",
    "Contact: <sip:alice@203.0.113.10:5060;ob>",
    "Call-ID: 5b1e7c3a-2d4f-4a6b-9c8d-0e1f2a3b4c5d",
    "CSeq: 31415 INVITE",
    "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, REFER, MESSAGE, UPDATE, PRACK",
    "Supported: replaces, 100rel, timer, norefersub",
    "Session-Expires: 1800",
    "Min-SE: 90",
    "User-Agent: Asterisk PBX 20.5.0",
    "Content-Type: application/sdp",
    `Content-Length: ${SDP.length}`,
    "",
    SDP,
  ].join("\r\n"),
);

/** Mean µs per call of `fn` over `iterations`, after a warm-up of a tenth as many. */
function measure(iterations: number, fn: () => void): number {
  for (let i = 0; i < iterations / 10; i++) fn();
  const start = Bun.nanoseconds();
  for (let i = 0; i < iterations; i++) fn();
  return (Bun.nanoseconds() - start) / iterations / 1000;
}

const parsed = parseMessage(INVITE);
if (!parsed.ok || parsed.value.kind !== "request") throw new Error("bench INVITE does not parse");
const request = parsed.value;
const decoder = new TextDecoder();
let sink = 0;

const N = 50_000;
const rows: Array<[string, number]> = [
  [
    "baseline: TextDecoder + split(CRLF)",
    measure(N, () => (sink += decoder.decode(INVITE).split("\r\n").length)),
  ],
  [
    "baseline: decode + split lines + split name:value",
    measure(N, () => {
      for (const line of decoder.decode(INVITE).split("\r\n"))
        sink += line.indexOf(":") >= 0 ? line.split(":").length : 0;
    }),
  ],
  [
    "parseMessage (validates Via/From/To/CSeq/…)",
    measure(N, () => (sink += parseMessage(INVITE).ok ? 1 : 0)),
  ],
  ["serializeMessage", measure(N, () => (sink += serializeMessage(request).length))],
  [
    "parse + topVia + From name-addr + Call-ID",
    measure(N, () => {
      const r = parseMessage(INVITE);
      if (!r.ok) return;
      sink += topVia(r.value)?.params.size ?? 0;
      sink += parseNameAddr(getHeader(r.value, "from") ?? "").ok ? 1 : 0;
      sink += getHeader(r.value, "call-id")?.length ?? 0;
    }),
  ],
  [
    "createResponse(180) + serialize",
    measure(
      N,
      () => (sink += serializeMessage(createResponse(request, 180, undefined, { toTag: "abc" })).length),
    ),
  ],
];

console.log(`SIP message, ${INVITE.length}-byte INVITE with SDP (${N} iterations each)`);
for (const [name, us] of rows) console.log(`  ${name.padEnd(52)} ${us.toFixed(2).padStart(7)} µs`);
if (sink === -1) console.log(sink);
