/**
 * Property tests for the SDP codec: a generated description survives serialize → parse
 * unchanged (so serialize∘parse is stable), and no input text makes the parser or the
 * answerer throw (DESIGN.md rule 2).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { answerOffer } from "../../src/sdp/answer.ts";
import { parseSdp } from "../../src/sdp/parse.ts";
import { serializeSdp } from "../../src/sdp/serialize.ts";
import type { SessionDescription } from "../../src/sdp/types.ts";

const token = fc.stringMatching(/^[A-Za-z0-9+/._-]{1,12}$/);
const digits = fc.stringMatching(/^[0-9]{1,20}$/);
// Free text: no line breaks, no leading/trailing blanks (the parser trims trailing blanks).
const text = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
const connection = fc.record({ netType: token, addrType: token, address: token });
const attribute = fc.oneof(
  fc.record({ name: token }),
  fc.record({ name: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), value: fc.oneof(fc.constant(""), text) }),
);
const unknownLine = fc.stringMatching(/^[xwq]=[ -~]{0,20}[!-~]$/);

const media = fc.record(
  {
    media: token,
    port: fc.integer({ min: 0, max: 65535 }),
    numberOfPorts: fc.integer({ min: 1, max: 9 }),
    proto: token,
    formats: fc.array(token, { maxLength: 6 }),
    information: text,
    connections: fc.array(connection, { maxLength: 2 }),
    bandwidths: fc.array(text, { maxLength: 2 }),
    key: text,
    attributes: fc.array(attribute, { maxLength: 8 }),
    unknown: fc.array(unknownLine, { maxLength: 2 }),
  },
  {
    requiredKeys: ["media", "port", "proto", "formats", "connections", "bandwidths", "attributes", "unknown"],
  },
);

const session: fc.Arbitrary<SessionDescription> = fc.record(
  {
    version: fc.integer({ min: 0, max: 9 }),
    origin: fc.record({
      username: token,
      sessionId: digits,
      sessionVersion: digits,
      netType: token,
      addrType: token,
      address: token,
    }),
    sessionName: text,
    information: text,
    uri: text,
    emails: fc.array(text, { maxLength: 2 }),
    phones: fc.array(text, { maxLength: 2 }),
    connection,
    bandwidths: fc.array(text, { maxLength: 2 }),
    timings: fc.array(fc.record({ start: digits, stop: digits, repeats: fc.array(text, { maxLength: 2 }) }), {
      minLength: 1,
      maxLength: 2,
    }),
    zone: text,
    key: text,
    attributes: fc.array(attribute, { maxLength: 6 }),
    unknown: fc.array(unknownLine, { maxLength: 2 }),
    media: fc.array(media, { maxLength: 4 }),
  },
  {
    requiredKeys: [
      "version",
      "sessionName",
      "emails",
      "phones",
      "bandwidths",
      "timings",
      "attributes",
      "unknown",
      "media",
    ],
  },
);

const answerOpts = {
  address: "192.0.2.1",
  port: 4000,
  origin: { sessionId: "1", sessionVersion: "1" },
  srtpKey: "a",
};

describe("SDP properties", () => {
  test("parse(serialize(sd)) gives back sd for any generated description", () => {
    fc.assert(
      fc.property(session, (sd) => {
        const r = parseSdp(serializeSdp(sd));
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.value).toEqual(sd);
          expect(serializeSdp(r.value)).toBe(serializeSdp(sd));
        }
      }),
      { numRuns: 400 },
    );
  });

  test("arbitrary text never makes the parser or the answerer throw", () => {
    const sdpish = fc
      .array(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.stringMatching(/^[a-z]=[ -~]{0,30}$/),
          fc.constantFrom(
            "m=audio 4000 RTP/AVP 0 8 101",
            "m=audio 0 RTP/SAVP 0",
            "c=IN IP4 0.0.0.0",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x",
            "a=rtpmap:101 telephone-event/8000",
            "a=sendonly",
          ),
        ),
        { maxLength: 30 },
      )
      .map((lines) => lines.join("\r\n"));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), sdpish), (input) => {
        const r = parseSdp(input);
        if (r.ok) {
          const a = answerOffer(r.value, answerOpts);
          expect(typeof a.ok).toBe("boolean");
          expect(typeof serializeSdp(r.value)).toBe("string");
        } else expect(r.error.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
