import { describe, expect, test } from "bun:test";
import {
  ackFor2xx,
  createInDialogRequest,
  type Dialog,
  requestTarget,
} from "../../../src/sip/dialog/index.ts";
import { getCSeq, getHeader, getHeaders } from "../../../src/sip/message/index.ts";
import { seededRandom } from "../../support/seeded-random.ts";
import { request } from "../transaction/messages.ts";

const base: Dialog = {
  state: "confirmed",
  role: "uac",
  callId: "c1@atlanta",
  localTag: "a1",
  remoteTag: "b1",
  local: "Alice <sip:alice@atlanta.com>;tag=a1",
  remote: "<sip:bob@biloxi.com>;tag=b1",
  remoteTarget: "sip:bob@192.0.2.4",
  routeSet: ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"],
  localSeq: 10,
  secure: false,
};
const random = seededRandom(11);

describe("requests inside a dialog (RFC 3261 §12.2.1.1)", () => {
  test("loose routing: the Request-URI is the remote target and Route is the route set in order", () => {
    expect(requestTarget(base)).toEqual({
      uri: "sip:bob@192.0.2.4",
      routes: ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"],
    });
  });

  test("strict routing: the Request-URI is the first route, which leaves Route; the remote target goes last", () => {
    const strict = { ...base, routeSet: ["<sip:p1.example.com>", "<sip:p2.example.com;lr>"] };
    expect(requestTarget(strict)).toEqual({
      uri: "sip:p1.example.com",
      routes: ["<sip:p2.example.com;lr>", "<sip:bob@192.0.2.4>"],
    });
  });

  test("with an empty route set there is no Route header", () => {
    const { request: bye } = createInDialogRequest({ ...base, routeSet: [] }, "BYE", { random });
    expect(bye.uri).toBe("sip:bob@192.0.2.4");
    expect(getHeaders(bye, "route")).toEqual([]);
  });

  test("each request takes local CSeq + 1 and carries the dialog's From, To and Call-ID", () => {
    const first = createInDialogRequest(base, "INFO", {
      random,
      via: "SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
    });
    const second = createInDialogRequest(first.dialog, "BYE", { random });
    expect(getCSeq(first.request)).toEqual({ seq: 11, method: "INFO" });
    expect(getCSeq(second.request)).toEqual({ seq: 12, method: "BYE" });
    expect(second.dialog.localSeq).toBe(12);
    expect(getHeader(first.request, "from")).toBe(base.local);
    expect(getHeader(first.request, "to")).toBe(base.remote);
    expect(getHeader(first.request, "call-id")).toBe("c1@atlanta");
    expect(getHeader(first.request, "via")).toBe("SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
    expect(getHeaders(first.request, "route")).toEqual(base.routeSet);
  });

  test("a UAS with an empty local CSeq starts from a random number below 2^31", () => {
    const uas: Dialog = { ...base, role: "uas" };
    delete uas.localSeq;
    const { request: bye, dialog } = createInDialogRequest(uas, "BYE", { random });
    const seq = getCSeq(bye)?.seq ?? -1;
    expect(seq).toBeGreaterThan(0);
    expect(seq).toBeLessThan(2 ** 31);
    expect(dialog.localSeq).toBe(seq);
  });

  test("target refresh requests carry our Contact, others do not", () => {
    const contact = "<sip:alice@203.0.113.5:5060>";
    const reinvite = createInDialogRequest(base, "INVITE", { random, contact }).request;
    const bye = createInDialogRequest(base, "BYE", { random, contact }).request;
    expect(getHeader(reinvite, "contact")).toBe(contact);
    expect(getHeader(bye, "contact")).toBeUndefined();
  });
});

describe("the ACK for a 2xx (RFC 3261 §13.2.2.4)", () => {
  const invite = request({
    method: "INVITE",
    cseq: 7,
    branch: "z9hG4bKinvite",
    extra: ['Proxy-Authorization: Digest username="alice", realm="atlanta.com"'],
  });

  test("has the INVITE's CSeq number with method ACK, its own branch, the route set and the INVITE's credentials", () => {
    const ack = ackFor2xx({ ...base, localSeq: 7 }, invite, {
      via: "SIP/2.0/UDP a.example.com;branch=z9hG4bKack",
    });
    expect(ack.method).toBe("ACK");
    expect(ack.uri).toBe("sip:bob@192.0.2.4");
    expect(getCSeq(ack)).toEqual({ seq: 7, method: "ACK" });
    expect(getHeader(ack, "via")).toBe("SIP/2.0/UDP a.example.com;branch=z9hG4bKack");
    expect(getHeaders(ack, "route")).toEqual(base.routeSet);
    expect(getHeader(ack, "proxy-authorization")).toContain('username="alice"');
  });

  test("keeps the INVITE's number even after later requests moved the local CSeq", () => {
    const ack = ackFor2xx({ ...base, localSeq: 20 }, invite, {});
    expect(getCSeq(ack)?.seq).toBe(7);
  });
});
