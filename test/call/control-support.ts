/**
 * An answered inbound call for the mid-call command tests (rest-api.md §3): the harness of
 * fakes.ts, one accepted INVITE, its fake dialog and media, and a helper that lets a pending
 * command's promise settle after the test answered its request.
 */
import { ACCEPT, harness, ringingCall, settle } from "./fakes.ts";

export async function answeredCall(h = harness()) {
  const ringing = await ringingCall(h);
  h.decisions.answer(ACCEPT);
  await settle();
  const media = ringing.media;
  if (media === undefined) throw new Error("no media session");
  return { ...ringing, media, dialog: ringing.invite.dialog };
}

/** A command's result, or "pending" when it has not settled yet. */
export async function peek<T>(p: Promise<T>): Promise<T | "pending"> {
  return Promise.race([p, settle().then(() => "pending" as const)]);
}
