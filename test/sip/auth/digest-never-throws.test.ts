import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseChallenge } from "../../../src/sip/auth/digest-client.ts";
import { verifyAuthorization } from "../../../src/sip/auth/digest-server.ts";
import { NonceStore } from "../../../src/sip/auth/nonce-store.ts";
import { seededRandom } from "../../support/seeded-random.ts";

// Header-like strings: mostly digest syntax characters so the parser gets deep, plus noise.
const headerish = fc.stringMatching(/^(Digest |digest |Basic )?[a-z=", \\\-0-9]{0,200}$/);

describe("digest parsing on hostile input (DESIGN.md rule 2)", () => {
  test("parseChallenge never throws and returns a Result", () => {
    fc.assert(
      fc.property(fc.oneof(headerish, fc.string({ maxLength: 300 })), (h) => {
        const r = parseChallenge(h);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });

  test("verifyAuthorization never throws and never accepts garbage", () => {
    const store = new NonceStore({ random: seededRandom(3) });
    const nonce = store.issue(0);
    const withNonce = headerish.map((h) => `${h}, nonce="${nonce}"`);
    fc.assert(
      fc.property(fc.oneof(headerish, withNonce, fc.string({ maxLength: 300 })), (authorization) => {
        const r = verifyAuthorization(store, {
          authorization,
          method: "INVITE",
          now: 1,
          passwordFor: () => "pw",
        });
        expect(r.verdict).not.toBe("ok");
      }),
      { numRuns: 2000 },
    );
  });
});
