/**
 * The one source of the REST bodies (spec/rest-api.md §2–3): request schemas that the route
 * handlers validate with `parseBody` (their `error` texts are predicates that `issueMessage`
 * prefixes with the field name, §1.4–1.5) and response schemas, both turned into the OpenAPI
 * document by `z.toJSONSchema`. Descriptions quote the spec so the document stays readable.
 */
import { z } from "zod";
import { API_ERROR_STATUS, type ApiErrorCode } from "../errors.ts";
import { nonEmptyString, sipHeaderString } from "../validation/schemas.ts";

/** An http(s) URL (`webhook_url`, play `url`). */
function httpUrl() {
  return z.url({ protocol: /^https?$/, error: "must be an http or https URL" });
}

// --- requests -------------------------------------------------------------------------------

/** `POST /v1/calls` (rest-api.md "POST /v1/calls"). */
export const CreateCallRequest = z
  .object({
    to: sipHeaderString.describe("number, extension or sip:/sips:/tel: URI"),
    from: sipHeaderString.describe("caller ID (SIP From user and P-Asserted-Identity)"),
    trunk: nonEmptyString()
      .optional()
      .describe(
        "registered trunk name; default: trunk `default` if it exists, else the first trunk in config order",
      ),
    peer: nonEmptyString().optional().describe("trunk-host peer name; mutually exclusive with `trunk`"),
    webhook_url: httpUrl()
      .optional()
      .describe("lifecycle events of this call go here instead of `webhook.url`"),
    stream: z
      .boolean()
      .default(true)
      .describe("`false` makes WebSocket upgrades for this call fail with 403 `stream_disabled`"),
    custom_parameters: z
      .record(z.string(), z.string())
      .default({})
      .describe("echoed in the WebSocket `start.customParameters`"),
    timeout: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(30)
      .describe("ring timeout in seconds, then CANCEL and `call.ended` reason `no_answer`"),
  })
  .refine((b) => b.trunk === undefined || b.peer === undefined, {
    error: "give either 'trunk' or 'peer', not both",
  })
  // JSON Schema cannot see the refine; say the same in the document (2020-12 §10.2.1.4 `not`).
  .meta({ not: { required: ["trunk", "peer"] } });

/** `POST …/transfer` (rest-api.md "State-changing call control"; sip.md §8). */
export const TransferRequest = z.object({
  target: sipHeaderString.describe(
    "Refer-To: used as is when a sip:/sips:/tel: URI, else sip:<target>@<domain> (sip.md §8)",
  ),
});

/** DTMF digits a call can send: 0-9 * # A-D, either case (rest-api.md "…/dtmf"; RFC 4733 §3.2 events 0–15). */
const DTMF_DIGITS = /^[0-9*#A-Da-d]+$/;
export const MAX_DTMF_DIGITS = 32;

/** `POST …/dtmf`: checked whole before any digit is sent. */
export const DtmfRequest = z.object({
  digits: z
    .string({ error: "is required and must be a string of DTMF digits" })
    .min(1, { error: "must not be empty" })
    .max(MAX_DTMF_DIGITS, { error: `must be at most ${MAX_DTMF_DIGITS} digits long` })
    .regex(DTMF_DIGITS, { error: "must contain only 0-9, *, #, A-D or a-d" })
    .describe("sent in order, ~200 ms per digit"),
});

/** `POST …/play`: exactly one of `url` / `audio`. */
export const PlayRequest = z
  .object({
    url: httpUrl()
      .optional()
      .describe("WAV file: RIFF/WAVE, PCM (format tag 1), 16-bit, 1 or 2 channels, any rate; ≤ 50 MiB, 10 s"),
    audio: z
      .string()
      .min(1, { error: "must not be empty" })
      .optional()
      .describe(
        "base64 (standard alphabet, padding optional) of PCM16 LE, 8000 Hz mono; even, non-zero length",
      ),
    loop_count: z.number().int().min(0).default(1).describe("`0` repeats until stopped"),
  })
  .refine((b) => (b.url === undefined) !== (b.audio === undefined), {
    error: "exactly one of 'url' or 'audio' is required",
  })
  // The refine above in JSON Schema terms (2020-12 §10.2.1.3 `oneOf`).
  .meta({ oneOf: [{ required: ["url"] }, { required: ["audio"] }] });

// --- responses ------------------------------------------------------------------------------

const ERROR_CODES = Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]];

/** rest-api.md §1.4: the body of every non-2xx response. */
export const ErrorBody = z.object({
  error: z.enum(ERROR_CODES).describe("stable code; each maps to one HTTP status"),
  message: z.string().describe("a human sentence naming the offending field or object"),
});

/** rest-api.md §2 statuses; `completed` is reserved and never returned. */
const CALL_STATUSES = ["dialing", "ringing", "in_progress", "on_hold"] as const;

/** rest-api.md §2 call object. */
export const Call = z.object({
  call_id: z
    .string()
    .regex(/^CA[0-9a-f]{32}$/)
    .describe("`CA` + 32 hex"),
  from: z.string(),
  to: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  status: z.enum(CALL_STATUSES),
  peer: z.string().optional().describe("trunk-host peer name; omitted otherwise"),
  trunk: z.string().optional().describe("trunk name for registered-trunk calls; omitted otherwise"),
});

export const CallList = z.object({ calls: z.array(Call).describe("in creation order") });

export const CreateCallResponse = z.object({
  call_id: z.string(),
  status: z.literal("dialing"),
  ws_url: z.string().describe("ws:// (wss:// with TLS) + Host + /ws/{call_id}"),
});

export const PlayResponse = z.object({
  play_id: z
    .string()
    .regex(/^play_[0-9]+$/)
    .describe("`play_<n>`, a process-wide counter from 0"),
});

/** webhooks.md §5 entry. */
export const WebhookFailure = z.object({
  event: z
    .looseObject({ event: z.string(), call_id: z.string(), timestamp: z.string() })
    .describe("the exact body that was being sent"),
  url: z.string(),
  error: z.string().describe('"HTTP <status>" or a transport description ("timeout", …)'),
  attempts: z.number().int().min(1),
  timestamp: z.string().describe("YYYY-MM-DDTHH:MM:SSZ"),
});

export const WebhookFailures = z.object({ failures: z.array(WebhookFailure).describe("oldest first") });

export const Drained = z.object({ drained: z.number().int().min(0) });

/** rest-api.md "GET /health". */
export const Health = z.object({
  status: z.enum(["ok", "starting"]),
  sip_trunks: z.number().int().min(0).describe("trunks registered now"),
  sip_server: z.boolean().describe("trunk-host socket listening"),
  active_calls: z.number().int().min(0),
  trunks: z.array(z.object({ name: z.string(), registered: z.boolean() })).describe("in config order"),
});

/** websocket.md §1 query of `GET /ws/{call_id}`. */
export const WsQuery = z.object({
  mode: z.enum(["twilio", "native"]).optional().describe("absent = twilio"),
  token: z.string().optional().describe("the API key, for browsers that cannot set headers; use over wss://"),
});
