/**
 * Every endpoint of spec/rest-api.md §3 and websocket.md §1, with each status code its table
 * lists, declared on an {@link OpenApiRegistry}. Handlers validate with the same schemas
 * (./schemas.ts), so the document and the behaviour share one source.
 */
import { OpenApiRegistry, type OperationSpec, type ResponseSpec } from "./registry.ts";
import {
  Call,
  CallList,
  CreateCallRequest,
  CreateCallResponse,
  Drained,
  DtmfRequest,
  ErrorBody,
  Health,
  PlayRequest,
  PlayResponse,
  TransferRequest,
  WebhookFailures,
  WsQuery,
} from "./schemas.ts";

type Responses = Record<number, ResponseSpec>;

/** Responses any API-group request can get (rest-api.md §1.1–1.4). */
const API_GROUP: Responses = {
  401: { description: "`unauthorized`: missing or wrong bearer key (only when `auth.api_key` is set)" },
  429: { description: "`rate_limited`: the global token bucket is empty (only when `rate_limit` is set)" },
  500: { description: "`internal`: unexpected failure" },
};

/** Responses of every body-taking endpoint (rest-api.md §1.4–1.5). */
const WITH_BODY: Responses = {
  413: { description: "`payload_too_large`: body over 10 MiB" },
  415: { description: "`unsupported_media_type`: body present but `Content-Type` is not application/json" },
};

const NOT_FOUND_CALL: Responses = { 404: { description: "`not_found`: unknown or already ended call" } };
const CALL_OK: Responses = { 200: { description: "the call after the change", schema: Call } };

function api(op: Omit<OperationSpec, "responses">, responses: Responses): OperationSpec {
  const body = op.requestBody === undefined ? {} : WITH_BODY;
  return { tags: ["calls"], ...op, responses: { ...responses, ...body, ...API_GROUP } };
}

function callControl(
  verb: string,
  summary: string,
  description: string,
  errors: Responses,
  requestBody?: OperationSpec["requestBody"],
): OperationSpec {
  return api(
    {
      method: "post",
      path: `/v1/calls/{call_id}/${verb}`,
      operationId: `${verb}Call`,
      summary,
      description,
      ...(requestBody === undefined ? {} : { requestBody }),
    },
    { ...CALL_OK, ...NOT_FOUND_CALL, ...errors },
  );
}

const NOT_ANSWERED: Responses = { 409: { description: "`conflict`: the call is not answered" } };
const REMOTE_FAILED: Responses = {
  502: { description: "`bad_gateway`: the re-INVITE was refused" },
  504: { description: "`gateway_timeout`: no answer to the re-INVITE in 32 s" },
};

const XBRIDGE_OPERATIONS: readonly OperationSpec[] = [
  api(
    {
      method: "post",
      path: "/v1/calls",
      operationId: "createCall",
      summary: "Originate a call",
      description: "Returns as soon as the INVITE is sent; progress is reported by webhooks.",
      requestBody: CreateCallRequest,
    },
    {
      201: { description: "INVITE sent", schema: CreateCallResponse },
      400: { description: "`invalid_request`: validation failed, or both `trunk` and `peer` given" },
      404: {
        description: "`not_found`: named trunk not configured; peer given but no `server` block or unknown",
      },
      422: { description: "`unprocessable`: the peer has no `host`, so there is no address to dial" },
      503: {
        description:
          "`unavailable`: trunk not registered; no trunk and no peer; trunk host not listening; no free RTP port",
      },
    },
  ),
  api(
    { method: "get", path: "/v1/calls", operationId: "listCalls", summary: "List calls in creation order" },
    { 200: { description: "all calls in the registry", schema: CallList } },
  ),
  api(
    { method: "get", path: "/v1/calls/{call_id}", operationId: "getCall", summary: "Get one call" },
    { 200: { description: "the call", schema: Call }, ...NOT_FOUND_CALL },
  ),
  api(
    {
      method: "delete",
      path: "/v1/calls/{call_id}",
      operationId: "hangupCall",
      summary: "Hang up",
      description: "dialing/ringing outbound → CANCEL; ringing inbound → 603; answered/held → BYE.",
    },
    { 204: { description: "hung up; no body" }, ...NOT_FOUND_CALL },
  ),
  callControl("hold", "Hold", "re-INVITE with a=sendonly; no-op if already held locally.", {
    ...NOT_ANSWERED,
    ...REMOTE_FAILED,
  }),
  callControl("resume", "Resume", "re-INVITE with a=sendrecv; no-op if in progress.", {
    409: { description: "`conflict`: not answered, or held only by the remote side" },
    ...REMOTE_FAILED,
  }),
  callControl(
    "transfer",
    "Blind transfer (REFER)",
    "200 once the REFER is accepted; the call ends later with reason `transfer` (sip.md §8).",
    {
      400: { description: "`invalid_request`: bad `target`" },
      409: { description: "`conflict`: the call is neither in progress nor on hold" },
      502: { description: "`bad_gateway`: REFER rejected (the message carries the SIP code)" },
      504: { description: "`gateway_timeout`: no answer to the REFER in 32 s" },
    },
    TransferRequest,
  ),
  callControl(
    "dtmf",
    "Send DTMF digits",
    "Responds after the last digit has been sent (~200 ms per digit).",
    {
      400: {
        description: "`invalid_request`: empty, over 32 characters, or a character outside 0-9 * # A-D a-d",
      },
      ...NOT_ANSWERED,
    },
    DtmfRequest,
  ),
  callControl("mute", "Mute outbound audio", "Outbound audio replaced by silence; idempotent.", {
    409: { description: "`conflict`: the call is neither in progress nor on hold" },
  }),
  callControl("unmute", "Unmute outbound audio", "Restores outbound audio; idempotent.", {
    409: { description: "`conflict`: the call is neither in progress nor on hold" },
  }),
  api(
    {
      method: "post",
      path: "/v1/calls/{call_id}/play",
      operationId: "playAudio",
      summary: "Play a WAV URL or inline PCM",
      description: "Interrupts a running play; takes precedence over WebSocket audio while active.",
      requestBody: PlayRequest,
    },
    {
      200: { description: "playback started", schema: PlayResponse },
      400: {
        description:
          "`invalid_request`: no or both sources, bad base64, empty/odd PCM, not RIFF/WAVE, wrong WAV format (channels, rate, bits, format tag)",
      },
      ...NOT_FOUND_CALL,
      409: { description: "`conflict`: the call is neither in progress nor on hold" },
      502: { description: "`bad_gateway`: URL unreachable, non-2xx, timeout, or over 50 MiB" },
    },
  ),
  api(
    {
      method: "post",
      path: "/v1/calls/{call_id}/play/stop",
      operationId: "stopPlay",
      summary: "Stop playback",
    },
    {
      200: { description: "the stopped playback", schema: PlayResponse },
      404: { description: "`not_found`: unknown call or no active playback" },
    },
  ),
  api(
    {
      method: "get",
      path: "/v1/webhooks/failures",
      operationId: "listWebhookFailures",
      summary: "Read the webhook dead-letter queue",
      tags: ["webhooks"],
    },
    { 200: { description: "oldest first; nothing removed", schema: WebhookFailures } },
  ),
  api(
    {
      method: "delete",
      path: "/v1/webhooks/failures",
      operationId: "drainWebhookFailures",
      summary: "Empty the webhook dead-letter queue",
      tags: ["webhooks"],
    },
    { 200: { description: "how many entries were removed", schema: Drained } },
  ),
  api(
    {
      method: "get",
      path: "/ws/{call_id}",
      operationId: "callAudioWebSocket",
      summary: "Call audio WebSocket (upgrade)",
      description: "Twilio Media Streams framing, or native binary with `mode=native` (websocket.md).",
      tags: ["websocket"],
      query: WsQuery,
      extraSecurity: ["queryToken"],
    },
    {
      101: { description: "Switching Protocols" },
      400: { description: "`invalid_request`: `mode` is not `twilio` or `native`" },
      ...NOT_FOUND_CALL,
      403: { description: "`stream_disabled`: the call was created or accepted with `stream: false`" },
      409: { description: "`conflict`: another WebSocket is open for this call" },
    },
  ),
  {
    method: "get",
    path: "/health",
    operationId: "health",
    summary: "Health",
    tags: ["public"],
    public: true,
    responses: { 200: { description: "always 200", schema: Health } },
  },
  {
    method: "get",
    path: "/metrics",
    operationId: "metrics",
    summary: "Prometheus metrics",
    tags: ["public"],
    public: true,
    responses: {
      200: { description: "Prometheus text format", contentType: "text/plain; version=0.0.4; charset=utf-8" },
    },
  },
  {
    method: "get",
    path: "/openapi.json",
    operationId: "openapi",
    summary: "This OpenAPI document",
    tags: ["public"],
    public: true,
    responses: { 200: { description: "OpenAPI 3.1 document", contentType: "application/json" } },
  },
];

/** A registry holding the xbridge schemas and {@link XBRIDGE_OPERATIONS}. */
export function createXbridgeOpenApi(): OpenApiRegistry {
  const registry = new OpenApiRegistry(ErrorBody)
    .request("CreateCallRequest", CreateCallRequest)
    .request("TransferRequest", TransferRequest)
    .request("DtmfRequest", DtmfRequest)
    .request("PlayRequest", PlayRequest)
    .response("Call", Call)
    .response("CallList", CallList)
    .response("CreateCallResponse", CreateCallResponse)
    .response("PlayResponse", PlayResponse)
    .response("WebhookFailures", WebhookFailures)
    .response("Drained", Drained)
    .response("Health", Health);
  for (const op of XBRIDGE_OPERATIONS) registry.add(op);
  return registry;
}
