import { describe, expect, test } from "bun:test";
import {
  getCSeq,
  getHeader,
  getHeaders,
  parseMessage,
  type SipRequest,
} from "../../../src/sip/message/index.ts";
import { dialogFromRequest, inDialogRequest } from "../../../src/sip/ua/dialog-ref.ts";

const parsed = parseMessage(
  "INVITE sip:gw@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx\r\nRecord-Route: <sip:p1;lr>, <sip:p2;lr>\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:gw@127.0.0.1>\r\nCall-ID: d-1\r\nCSeq: 7 INVITE\r\nContact: <sip:alice@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n",
);
if (!parsed.ok || parsed.value.kind !== "request") throw new Error("fixture");
const invite: SipRequest = parsed.value;

describe("dialog facts (RFC 3261 §12)", () => {
  test("UAS dialog: remote target from Contact, route set in Record-Route order, our tag on To", () => {
    const d = dialogFromRequest(invite, "gt", 100);
    expect(d).toMatchObject({
      callId: "d-1",
      localTag: "gt",
      remoteTag: "a1",
      remoteTarget: "sip:alice@127.0.0.1:5070",
      remoteSeq: 7,
    });
    expect(d?.routeSet).toEqual(["<sip:p1;lr>", "<sip:p2;lr>"]);
  });

  test("a BYE from the UAS swaps From/To and uses the next local CSeq (§12.2.1.1)", () => {
    const d = dialogFromRequest(invite, "gt", 100)!;
    const { request, dialog } = inDialogRequest(d, "BYE");
    expect(request.uri).toBe("sip:alice@127.0.0.1:5070");
    expect(getHeader(request, "From")).toBe("<sip:gw@127.0.0.1>;tag=gt");
    expect(getHeader(request, "To")).toBe("<sip:alice@127.0.0.1>;tag=a1");
    expect(getCSeq(request)).toEqual({ seq: 101, method: "BYE" });
    expect(getHeaders(request, "Route")).toEqual(["<sip:p1;lr>", "<sip:p2;lr>"]);
    expect(dialog.localSeq).toBe(101);
  });

  test("no dialog without a From tag", () => {
    const noTag = {
      ...invite,
      headers: invite.headers.map((h) =>
        h.name === "From" ? { name: "From", value: "<sip:alice@127.0.0.1>" } : h,
      ),
    };
    expect(dialogFromRequest(noTag, "gt", 1)).toBeUndefined();
  });
});
