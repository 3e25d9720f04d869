import type { Conversation, PatchConversationBody } from "../../shared/schemas/index.ts";
import { json, write, type Ctx, type Db, type Emit, type Principal, type Trx } from "./context.ts";
import { authorize, siteScopeOf, type Action } from "./permissions.ts";
import { closed, invalid, notFound, ParleyError } from "./errors.ts";
import { conversationView, inboxLink } from "./views.ts";
import { normalisePhone } from "./contacts.ts";
import { agentAssignable } from "./agents.ts";
import type { ConversationRow } from "../store/tables.ts";
import { reindexConversations } from "../store/search-sources.ts";
import { stopWaiting, waitAgain } from "./assignment.ts";
import { ratingReset } from "./ratings.ts";

export { conversationFilter, listConversations, type ConversationFilters } from "./conversation-list.ts";
export { createConversation, insertConversation, type CreateOptions } from "./conversation-create.ts";

/**
 * The conversation row if this principal may do `action` to it; 404 for another site's or
 * another visitor's conversation (never "forbidden": no leak).
 */
export async function conversationRow(
  db: Db,
  p: Principal,
  id: string,
  action: Action = "conversation.read",
): Promise<ConversationRow> {
  authorize(p, action, undefined, "Conversation");
  const row = await db.selectFrom("conversations").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Conversation");
  authorize(p, action, conversationResource(row), "Conversation");
  return row;
}

/** A conversation as the permission table sees it: its site and the person it belongs to. */
export const conversationResource = (row: Pick<ConversationRow, "site_id" | "visitor_id" | "contact_id">) => ({
  siteId: row.site_id,
  visitorId: row.visitor_id,
  contactId: row.contact_id,
});

export async function getConversation(ctx: Ctx, p: Principal, id: string): Promise<Conversation> {
  return conversationView(ctx.db, await conversationRow(ctx.db, p, id));
}

/** Locks the row for the rest of the transaction on PostgreSQL (SQLite has one writer anyway). */
export async function lockConversation(
  ctx: Ctx,
  trx: Trx,
  p: Principal,
  id: string,
  action: Action,
): Promise<ConversationRow> {
  await conversationRow(trx, p, id, action);
  let q = trx.selectFrom("conversations").selectAll().where("id", "=", id);
  if (ctx.dialect === "postgres") q = q.forUpdate();
  return q.executeTakeFirstOrThrow();
}

/** Writes the changed columns, bumps updatedAt and tells who listens. */
async function saveChanges(
  ctx: Ctx,
  trx: Trx,
  emit: Emit,
  row: ConversationRow,
  set: Partial<ConversationRow>,
): Promise<Conversation> {
  const changed = (Object.keys(set) as (keyof ConversationRow)[]).filter((k) => set[k] !== row[k]);
  if (changed.length === 0) return conversationView(trx, row);
  const now = ctx.now();
  const next: ConversationRow = { ...row, ...set, updated_at: now };
  if (set.status === "closed" && row.status !== "closed") next.closed_at = now;
  const reset = ratingReset(row, next);
  Object.assign(next, reset);
  await trx
    .updateTable("conversations")
    .set({
      ...Object.fromEntries(changed.map((k) => [k, next[k]])),
      ...reset,
      updated_at: now,
      closed_at: next.closed_at,
    })
    .where("id", "=", row.id)
    .execute();
  if (changed.includes("topic") || changed.includes("summary")) await reindexConversations(trx, [row.id]);
  const conversation = await conversationView(trx, next);
  emit({
    type: "conversation.updated",
    siteId: row.site_id,
    conversationId: row.id,
    conversation,
    changed: [...changed.map(String), ...(Object.keys(reset).length ? ["rating"] : [])],
  });
  if (next.status === "closed" && row.status !== "closed")
    emit({ type: "conversation.closed", siteId: row.site_id, conversationId: row.id, conversation });
  return conversation;
}

export async function patchConversation(
  ctx: Ctx,
  p: Principal,
  id: string,
  patch: PatchConversationBody,
): Promise<Conversation> {
  authorize(p, "conversation.update", undefined, "Conversation");
  if (patch.assignee && !(await agentAssignable(ctx, patch.assignee)))
    throw invalid("assignee", "no active agent with this id");
  return write(ctx, async (trx, emit) => {
    const row = await lockConversation(ctx, trx, p, id, "conversation.update");
    if (row.status === "closed") throw closed();
    const set: Partial<ConversationRow> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.priority !== undefined) set.priority = patch.priority;
    if (patch.topic !== undefined) set.topic = patch.topic;
    if (patch.summary !== undefined) set.summary = patch.summary;
    if (patch.queue !== undefined) set.queue = patch.queue;
    if (patch.assignee !== undefined) set.assignee = patch.assignee;
    // Taken by hand, solved or closed: it waits no longer (a visitor writing again makes it wait anew).
    if (patch.assignee || patch.status === "solved" || patch.status === "closed") await stopWaiting(trx, id);
    if (patch.metadata !== undefined)
      set.metadata = json.stringify({ ...json.parse(row.metadata, {}), ...patch.metadata });
    return saveChanges(ctx, trx, emit, row, set);
  });
}

/** Unassigns and reopens, so that the conversation waits in its queue for the next agent. */
export async function routeConversation(ctx: Ctx, p: Principal, id: string): Promise<Conversation> {
  return write(ctx, async (trx, emit) => {
    const row = await lockConversation(ctx, trx, p, id, "conversation.update");
    if (row.status === "closed") throw closed();
    const routed = await saveChanges(ctx, trx, emit, row, { assignee: null, status: "open" });
    const assignee = await waitAgain(ctx, trx, emit, row);
    return assignee ? conversationView(trx, await lockConversation(ctx, trx, p, id, "conversation.update")) : routed;
  });
}

export async function setTag(ctx: Ctx, p: Principal, id: string, tag: string, present: boolean): Promise<Conversation> {
  return write(ctx, async (trx, emit) => {
    const row = await lockConversation(ctx, trx, p, id, "conversation.update");
    if (row.status === "closed") throw closed();
    const has = !!(await trx
      .selectFrom("conversation_tags")
      .select("tag")
      .where("conversation_id", "=", id)
      .where("tag", "=", tag)
      .executeTakeFirst());
    if (has === present) return conversationView(trx, row);
    const now = ctx.now();
    if (present)
      await trx.insertInto("conversation_tags").values({ conversation_id: id, tag, created_at: now }).execute();
    else await trx.deleteFrom("conversation_tags").where("conversation_id", "=", id).where("tag", "=", tag).execute();
    await trx.updateTable("conversations").set({ updated_at: now }).where("id", "=", id).execute();
    await reindexConversations(trx, [id]);
    const conversation = await conversationView(trx, { ...row, updated_at: now });
    emit({ type: "conversation.updated", siteId: row.site_id, conversationId: id, conversation, changed: ["tags"] });
    return conversation;
  });
}

/** Typing indicators are live only: nothing is stored. */
export async function setTyping(ctx: Ctx, p: Principal, id: string, typing: boolean): Promise<void> {
  const row = await conversationRow(ctx.db, p, id, "conversation.typing");
  if (row.status === "closed") throw closed();
  const side = p.kind === "visitor" ? "contact" : "agent";
  // A token's name is an internal label, never shown to visitors.
  const name = p.kind === "agent" ? p.name : null;
  ctx.bus.publish({ type: "typing", siteId: row.site_id, conversationId: id, side, typing, name });
}

/** Moves one side's read marker forward (never back) and tells the other side. */
export async function markRead(ctx: Ctx, p: Principal, id: string, seq: number): Promise<Conversation> {
  const side = p.kind === "visitor" ? "contact" : "agent";
  const column = side === "contact" ? "read_contact" : "read_agent";
  return write(ctx, async (trx, emit) => {
    const row = await lockConversation(ctx, trx, p, id, "conversation.mark_read");
    if (seq > Number(row.last_seq)) throw invalid("seq", `beyond the last message (${row.last_seq})`);
    if (seq <= Number(row[column])) return conversationView(trx, row);
    await trx
      .updateTable("conversations")
      .set({ [column]: seq })
      .where("id", "=", id)
      .execute();
    emit({ type: "read", siteId: row.site_id, conversationId: id, side, seq });
    return conversationView(trx, { ...row, [column]: seq });
  });
}

/** Conversations by contact phone or email: one entry per identifier asked for, in order. */
export async function findLinks(ctx: Ctx, p: Principal, askedFor: { kind: "phone" | "email"; value: string }[]) {
  // A blank `phone=` or `email=` names nobody: it is no identifier.
  const asked = askedFor.filter((a) => a.value.trim() !== "");
  if (asked.length === 0) throw new ParleyError("bad_request", "Give at least one phone or email");
  authorize(p, "conversation.read");
  const scope = siteScopeOf(p);
  const lookup = async (column: "phone" | "email", value: string) => {
    let q = ctx.db
      .selectFrom("conversations")
      .innerJoin("contacts", "contacts.id", "conversations.contact_id")
      .select(["conversations.id as id", "conversations.created_at as createdAt"])
      .where(`contacts.${column}`, "=", value)
      .orderBy("conversations.created_at", "desc")
      .limit(100);
    if (scope) q = q.where("conversations.site_id", "=", scope);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      link: inboxLink(ctx.publicUrl, r.id),
      createdAt: r.createdAt,
    }));
  };
  const out: { phone?: string; email?: string; conversations: { id: string; link: string; createdAt: string }[] }[] =
    [];
  for (const { kind, value } of asked) {
    const conversations = await lookup(kind, kind === "phone" ? normalisePhone(value) : value.trim().toLowerCase());
    out.push(kind === "phone" ? { phone: value, conversations } : { email: value, conversations });
  }
  return out;
}
