/**
 * One call for body-taking endpoints: read the JSON object (415/413/400 from
 * `read-json-body.ts`), then validate it with a zod schema (400 naming the first offending
 * field). Unknown fields are ignored, as `z.object` strips them (spec/rest-api.md §1.5).
 */
import type { z } from "zod";
import { err, ok, type Result } from "../../lib/result.ts";
import { ApiError } from "../errors.ts";
import { describeIssue, issueMessage } from "./issue-message.ts";
import { readJsonObject } from "./read-json-body.ts";

export async function parseBody<S extends z.ZodType>(
  req: Request,
  schema: S,
): Promise<Result<z.output<S>, ApiError>> {
  const body = await readJsonObject(req);
  if (!body.ok) return body;
  const parsed = await schema.safeParseAsync(body.value, { error: describeIssue });
  if (parsed.success) return ok(parsed.data);
  return err(new ApiError("invalid_request", issueMessage(parsed.error.issues[0]!)));
}
