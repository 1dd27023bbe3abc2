/**
 * An answered inbound call for the mid-call command tests (rest-api.md §3): the harness of
 * fakes.ts, one accepted INVITE, its fake dialog and media, and a helper that lets a pending
 * command's promise settle after the test answered its request.
 */
import { ACCEPT, FakeInvite, harness, settle } from "./fakes.ts";

export async function answeredCall(h = harness()) {
  const invite = new FakeInvite();
  const inputs = h.manager.handleInvite(invite);
  await settle();
  const callId = h.decisions.requests.at(-1)?.callId ?? "";
  h.decisions.answer(ACCEPT);
  await settle();
  const media = h.media.sessions.at(-1);
  if (media === undefined) throw new Error("no media session");
  return { h, invite, inputs, callId, media, dialog: invite.dialog };
}

/** A command's result, or "pending" when it has not settled yet. */
export async function peek<T>(p: Promise<T>): Promise<T | "pending"> {
  return Promise.race([p, settle().then(() => "pending" as const)]);
}
