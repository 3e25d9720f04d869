import type {
  CannedResponse,
  CannedResponseInput,
  CannedResponsePatch,
  CannedResponseQuery,
  CannedScope,
} from "../../shared/schemas/index.ts";
import { parseMessageInput } from "../../shared/schemas/index.ts";
import { placeholderKeys, readableTexts, unknownPlaceholders } from "../../shared/placeholders.ts";
import type { CannedResponsesTable } from "../store/tables.ts";
import { json, write, type Ctx, type Principal, type Trx } from "./context.ts";
import { authorize, siteScopeOf } from "./permissions.ts";
import { invalid, notFound, ParleyError } from "./errors.ts";
import { newId } from "./secrets.ts";
import { siteRow } from "./sites.ts";
import { zodDetails } from "./validation.ts";

/**
 * Saved replies (CONTRACT §7). A team reply is seen by every agent of its site (or of every
 * site) and managed by owners, admins and tokens; a personal one exists only for its author:
 * everyone else, managers included, is told 404. A shortcut is unique per scope and site, held
 * by a unique index.
 */

const team = "team";

/** The agent a personal reply would belong to; tokens have none (403). */
function authorOf(p: Principal): string {
  authorize(p, "canned.personal.write");
  if (p.kind !== "agent") throw new ParleyError("forbidden", "Only an agent has personal saved replies");
  return p.agentId;
}

/** May `p` write a reply of this scope on this site? 403 for an agent on team replies, 404 across sites. */
async function authorizeWrite(ctx: Ctx, p: Principal, scope: CannedScope, siteId: string | null): Promise<string> {
  const owner = scope === team ? team : authorOf(p);
  if (scope === team) authorize(p, "canned.team.write", { siteId }, "Site");
  if (siteId) await siteRow(ctx, p, siteId, "canned.read");
  return owner;
}

/** The stored message: any §3 input as `{ type, content }`, with only placeholders Parley knows. */
function storedMessage(input: unknown): string {
  const parsed = parseMessageInput(input);
  if (!parsed.ok)
    throw new ParleyError("validation_failed", "Request validation failed", zodDetails(parsed.issues, ["message"]));
  if (parsed.value.streaming) throw invalid("message.streaming", "a saved reply cannot be streamed");
  const unknown = readableTexts(parsed.value.content).flatMap(unknownPlaceholders);
  if (unknown.length > 0)
    throw invalid(
      "message",
      `unknown placeholder {{${unknown[0]}}}; known: ${placeholderKeys.map((k) => `{{${k}}}`).join(", ")}`,
    );
  return json.stringify({ type: parsed.value.type, content: parsed.value.content });
}

async function refuseDuplicate(trx: Trx, row: CannedResponsesTable): Promise<void> {
  const twin = await trx
    .selectFrom("canned_responses")
    .select("id")
    .where("owner_key", "=", row.owner_key)
    .where("site_key", "=", row.site_key)
    .where("shortcut", "=", row.shortcut)
    .where("id", "!=", row.id)
    .executeTakeFirst();
  if (twin)
    throw new ParleyError(
      "conflict",
      `A saved reply with the shortcut "${row.shortcut}" already exists in this scope`,
      [{ path: "shortcut", message: "already taken in this scope" }],
    );
}

export async function createCannedResponse(
  ctx: Ctx,
  p: Principal,
  input: CannedResponseInput,
): Promise<CannedResponse> {
  authorize(p, "canned.write");
  const scope = input.scope ?? (p.kind === "agent" ? "personal" : team);
  const siteId = input.siteId === undefined ? siteScopeOf(p) : input.siteId;
  const owner = await authorizeWrite(ctx, p, scope, siteId);
  const now = ctx.now();
  const row: CannedResponsesTable = {
    id: newId("canned"),
    scope,
    owner_key: owner,
    site_id: siteId,
    site_key: siteId ?? "",
    shortcut: input.shortcut,
    title: input.title,
    message: storedMessage(input.message),
    created_by: p.kind === "agent" ? p.agentId : null,
    created_at: now,
    updated_at: now,
  };
  await write(ctx, async (trx) => {
    await refuseDuplicate(trx, row);
    await trx.insertInto("canned_responses").values(row).execute();
  });
  return cannedView(row);
}

export async function listCannedResponses(
  ctx: Ctx,
  p: Principal,
  query: CannedResponseQuery,
): Promise<CannedResponse[]> {
  authorize(p, "canned.read");
  if (query.siteId) await siteRow(ctx, p, query.siteId, "canned.read");
  const scope = siteScopeOf(p);
  const me = p.kind === "agent" ? p.agentId : null;
  let q = ctx.db.selectFrom("canned_responses").selectAll().orderBy("shortcut").orderBy("id");
  q = q.where((eb) =>
    me ? eb.or([eb("owner_key", "=", team), eb("owner_key", "=", me)]) : eb("owner_key", "=", team),
  );
  if (scope) q = q.where("site_id", "=", scope);
  if (query.siteId) q = q.where((eb) => eb.or([eb("site_id", "is", null), eb("site_id", "=", query.siteId!)]));
  if (query.scope) q = q.where("scope", "=", query.scope);
  return (await q.execute()).map(cannedView);
}

/** The reply if `p` may see it: a personal one only by its author, another site's never (404 otherwise). */
async function visibleRow(ctx: Ctx, p: Principal, id: string): Promise<CannedResponsesTable> {
  authorize(p, "canned.read");
  const row = await ctx.db.selectFrom("canned_responses").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Saved reply");
  if (row.scope !== team && !(p.kind === "agent" && row.owner_key === p.agentId)) throw notFound("Saved reply");
  authorize(p, "canned.read", { siteId: row.site_id }, "Saved reply");
  return row;
}

export async function getCannedResponse(ctx: Ctx, p: Principal, id: string): Promise<CannedResponse> {
  return cannedView(await visibleRow(ctx, p, id));
}

export async function updateCannedResponse(
  ctx: Ctx,
  p: Principal,
  id: string,
  patch: CannedResponsePatch,
): Promise<CannedResponse> {
  const row = await visibleRow(ctx, p, id);
  await authorizeWrite(ctx, p, row.scope as CannedScope, row.site_id);
  const scope = patch.scope ?? (row.scope as CannedScope);
  const siteId = patch.siteId === undefined ? row.site_id : patch.siteId;
  const owner =
    scope === row.scope && siteId === row.site_id ? row.owner_key : await authorizeWrite(ctx, p, scope, siteId);
  const next: CannedResponsesTable = {
    ...row,
    scope,
    owner_key: owner,
    site_id: siteId,
    site_key: siteId ?? "",
    shortcut: patch.shortcut ?? row.shortcut,
    title: patch.title ?? row.title,
    message: patch.message === undefined ? row.message : storedMessage(patch.message),
    updated_at: ctx.now(),
  };
  await write(ctx, async (trx) => {
    await refuseDuplicate(trx, next);
    const { id: _id, ...fields } = next;
    await trx.updateTable("canned_responses").set(fields).where("id", "=", id).execute();
  });
  return cannedView(next);
}

export async function deleteCannedResponse(ctx: Ctx, p: Principal, id: string): Promise<void> {
  const row = await visibleRow(ctx, p, id);
  await authorizeWrite(ctx, p, row.scope as CannedScope, row.site_id);
  await write(ctx, (trx) => trx.deleteFrom("canned_responses").where("id", "=", id).execute());
}

export function cannedView(row: CannedResponsesTable): CannedResponse {
  return {
    id: row.id,
    shortcut: row.shortcut,
    title: row.title,
    message: json.parse(row.message, { type: "text", content: { text: "" } }),
    scope: row.scope as CannedScope,
    siteId: row.site_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
