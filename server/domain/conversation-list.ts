/**
 * GET /v1/conversations: the list filters (one reading of them, which search shares), who may
 * see what, and keyset paging by the newest update.
 */
import type { Conversation, ListConversationsQuery } from "../../shared/schemas/index.ts";
import type { ExpressionBuilder, Expression, SqlBool } from "kysely";
import type { Ctx, Principal } from "./context.ts";
import { authorize, siteScopeOf } from "./permissions.ts";
import { invalid } from "./errors.ts";
import { conversationViews } from "./views.ts";
import type { ConversationRow, Database } from "../store/tables.ts";

function encodeCursor(row: ConversationRow): string {
  return Buffer.from(JSON.stringify([row.updated_at, row.id])).toString("base64url");
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    // Only what encodeCursor can have written: a timestamp and an id.
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "string" &&
      typeof value[1] === "string" &&
      /^[\d:.TZ-]{1,40}$/.test(value[0]) &&
      /^[\w-]{1,100}$/.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw invalid("cursor", "not a cursor this API returned");
}

/** The list filters of GET /v1/conversations (search takes them too). */
export type ConversationFilters = Omit<ListConversationsQuery, "limit" | "cursor">;

/**
 * The one reading of the list filters and of who may see what: a condition on the `conversations`
 * table for the query at hand, or null when nothing can match (a site token asking for another site).
 */
export function conversationFilter(
  p: Principal,
  q: ConversationFilters,
): ((eb: ExpressionBuilder<Database, "conversations">) => Expression<SqlBool>) | null {
  const scope = siteScopeOf(p);
  if (scope && q.siteId && q.siteId !== scope) return null;
  const siteId = scope ?? q.siteId;
  const mentioned = q.mentions ? mentionedAgent(p, q.mentions) : null;
  return (eb) => {
    const all: Expression<SqlBool>[] = [];
    if (siteId) all.push(eb("conversations.site_id", "=", siteId));
    if (p.kind === "visitor") all.push(eb("conversations.visitor_id", "=", p.visitorId));
    if (q.status) all.push(eb("conversations.status", "=", q.status));
    if (q.priority) all.push(eb("conversations.priority", "=", q.priority));
    if (q.queue) all.push(eb("conversations.queue", "=", q.queue));
    if (q.assignee === "none") all.push(eb("conversations.assignee", "is", null));
    else if (q.assignee) all.push(eb("conversations.assignee", "=", q.assignee));
    if (q.contactId) all.push(eb("conversations.contact_id", "=", q.contactId));
    if (q.channel) all.push(eb("conversations.channel", "=", q.channel));
    if (q.updatedSince) all.push(eb("conversations.updated_at", ">=", new Date(q.updatedSince).toISOString()));
    if (mentioned)
      all.push(
        eb(
          "conversations.id",
          "in",
          eb.selectFrom("note_mentions").select("note_mentions.conversation_id").where("agent_id", "=", mentioned),
        ),
      );
    if (q.tag) {
      const tag = q.tag;
      all.push(
        eb(
          "conversations.id",
          "in",
          eb.selectFrom("conversation_tags").select("conversation_tags.conversation_id").where("tag", "=", tag),
        ),
      );
    }
    return eb.and(all);
  };
}

/** Newest update first, keyset-paginated: the cost of a page does not grow with the number of conversations. */
export async function listConversations(
  ctx: Ctx,
  p: Principal,
  q: ListConversationsQuery,
): Promise<{ items: Conversation[]; hasMore: boolean; nextCursor: string | null }> {
  authorize(p, "conversation.read");
  const filter = conversationFilter(p, q);
  if (!filter) return { items: [], hasMore: false, nextCursor: null };
  let query = ctx.db.selectFrom("conversations").selectAll().where(filter);
  if (q.cursor) {
    const [updatedAt, id] = decodeCursor(q.cursor);
    query = query.where((eb) =>
      eb.or([eb("updated_at", "<", updatedAt), eb.and([eb("updated_at", "=", updatedAt), eb("id", "<", id)])]),
    );
  }
  const rows = await query
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(q.limit + 1)
    .execute();
  const hasMore = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  return {
    items: await conversationViews(ctx.db, page),
    hasMore,
    nextCursor: hasMore ? encodeCursor(page[page.length - 1]!) : null,
  };
}

/** The agent a `mentions` filter names: `me` is the signed-in agent, which a token is not. */
function mentionedAgent(p: Principal, asked: string): string {
  if (asked !== "me") return asked;
  if (p.kind === "agent") return p.agentId;
  throw invalid("mentions", "`me` names a signed-in agent: give an agent id (ag_…) instead");
}
