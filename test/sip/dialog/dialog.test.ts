import { describe, expect, test } from "bun:test";
import {
  acceptRemoteCSeq,
  confirmUacDialog,
  createUacDialog,
  createUasDialog,
  dialogKeyOfRequest,
  dialogKeyOfResponse,
  keyOfDialog,
  refreshRemoteTarget,
} from "../../../src/sip/dialog/index.ts";
import { createResponse, type SipRequest } from "../../../src/sip/message/index.ts";
import { request } from "../transaction/messages.ts";

// alice → p1 → p2 → bob: p2's Record-Route sits on top (RFC 3261 §16.6 step 4).
const invite = request({
  method: "INVITE",
  cseq: 314159,
  extra: ["Record-Route: <sip:p2.example.com;lr>", "Record-Route: <sip:p1.example.com;lr>"],
});
const bobContact = [{ name: "Contact", value: "<sip:bob@192.0.2.4>" }];

function bobSays(status: number, req: SipRequest = invite, tag: string | null = "b1") {
  return createResponse(req, status, undefined, {
    ...(tag !== null ? { toTag: tag } : {}),
    headers: bobContact,
  });
}

describe("dialog creation (RFC 3261 §12.1)", () => {
  test("UAC: a 180 with a To tag makes an early dialog with the reversed Record-Route as route set", () => {
    const r = createUacDialog(invite, bobSays(180));
    if (!r.ok) throw new Error(r.error);
    const d = r.value;
    expect(d.state).toBe("early");
    expect(d.role).toBe("uac");
    expect(d.callId).toBe("a84b4c76e66710@pc33.atlanta.com");
    expect([d.localTag, d.remoteTag]).toEqual(["1928301774", "b1"]);
    expect(d.routeSet).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
    expect(d.remoteTarget).toBe("sip:bob@192.0.2.4");
    expect(d.localSeq).toBe(314159);
    expect(d.remoteSeq).toBeUndefined();
    expect(d.remote).toContain("tag=b1");
  });

  test("UAC: a 1xx without a To tag creates no dialog, a 2xx without Contact is refused", () => {
    expect(createUacDialog(invite, bobSays(180, invite, null)).ok).toBe(false);
    expect(createUacDialog(invite, createResponse(invite, 200, undefined, { toTag: "b1" })).ok).toBe(false);
    expect(createUacDialog(invite, bobSays(486)).ok).toBe(false);
  });

  test("UAC: the 2xx confirms an early dialog and the route set is recomputed from it (§13.2.2.4)", () => {
    const early = createUacDialog(invite, bobSays(180));
    if (!early.ok) throw new Error(early.error);
    const ok = createResponse(invite, 200, undefined, {
      toTag: "b1",
      headers: [{ name: "Contact", value: "<sip:bob@192.0.2.9:5070>" }],
    });
    ok.headers = ok.headers.filter((h) => h.name !== "Record-Route");
    ok.headers.push({ name: "Record-Route", value: "<sip:p3.example.com;lr>" });
    const d = confirmUacDialog(early.value, ok);
    expect(d.state).toBe("confirmed");
    expect(d.routeSet).toEqual(["<sip:p3.example.com;lr>"]);
    expect(d.remoteTarget).toBe("sip:bob@192.0.2.9:5070");
  });

  test("UAS: the route set is the request's Record-Route in order; remote CSeq set, local CSeq empty", () => {
    const r = createUasDialog(invite, bobSays(200));
    if (!r.ok) throw new Error(r.error);
    const d = r.value;
    expect(d.state).toBe("confirmed");
    expect(d.routeSet).toEqual(["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]);
    expect(d.remoteTarget).toBe("sip:alice@pc33.atlanta.com");
    expect(d.remoteSeq).toBe(314159);
    expect(d.localSeq).toBeUndefined();
    expect([d.localTag, d.remoteTag]).toEqual(["b1", "1928301774"]);
    expect(d.local).toContain("tag=b1");
  });

  test("the dialog id found from a received request or response equals the dialog's own (§12)", () => {
    const uas = createUasDialog(invite, bobSays(200));
    const uac = createUacDialog(invite, bobSays(200));
    if (!uas.ok || !uac.ok) throw new Error("no dialog");
    const bye = request({ method: "BYE", toTag: "b1", cseq: 314160 });
    expect(dialogKeyOfRequest(bye)).toBe(keyOfDialog(uas.value));
    expect(dialogKeyOfResponse(bobSays(200))).toBe(keyOfDialog(uac.value));
    expect(dialogKeyOfRequest(invite)).toBeUndefined(); // no To tag: outside any dialog
  });
});

describe("in-dialog rules (RFC 3261 §12.2)", () => {
  const uas = createUasDialog(invite, bobSays(200));
  if (!uas.ok) throw new Error(uas.error);
  const dialog = uas.value;

  test("a request with a lower CSeq than the remote CSeq is out of order (answer 500, §12.2.2)", () => {
    const older = request({ method: "BYE", toTag: "b1", cseq: 314158 });
    expect(acceptRemoteCSeq(dialog, older)).toEqual({ ok: false, error: "out-of-order" });
  });

  test("a higher CSeq becomes the remote CSeq; ACK and CANCEL are not checked", () => {
    const next = acceptRemoteCSeq(dialog, request({ method: "INFO", toTag: "b1", cseq: 314170 }));
    expect(next.ok && next.value.remoteSeq).toBe(314170);
    const ack = request({ method: "ACK", toTag: "b1", cseq: 1 });
    expect(acceptRemoteCSeq(dialog, ack)).toEqual({ ok: true, value: dialog });
  });

  test("a target refresh request replaces the remote target but never the route set", () => {
    const reinvite = request({
      method: "INVITE",
      toTag: "b1",
      cseq: 314160,
      extra: ["Record-Route: <sip:elsewhere.example.com;lr>"],
    });
    reinvite.headers = reinvite.headers.map((h) =>
      h.name === "Contact" ? { name: "Contact", value: "<sip:alice@198.51.100.7:5080>" } : h,
    );
    const d = refreshRemoteTarget(dialog, reinvite);
    expect(d.remoteTarget).toBe("sip:alice@198.51.100.7:5080");
    expect(d.routeSet).toEqual(dialog.routeSet);
  });

  test("a non-2xx response to a re-INVITE does not refresh the target", () => {
    const reinvite = request({ method: "INVITE", toTag: "b1", cseq: 314160 });
    const busy = createResponse(reinvite, 491, undefined, {
      headers: [{ name: "Contact", value: "<sip:x@y>" }],
    });
    expect(refreshRemoteTarget(dialog, busy)).toBe(dialog);
  });
});
