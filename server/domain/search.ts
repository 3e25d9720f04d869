import { sql } from "kysely";
import type { Contact, ContactSearchQuery, SearchPage, SearchQuery } from "../../shared/schemas/index.ts";
import { json, type Ctx, type Principal } from "./context.ts";
import { authorize, siteScopeOf } from "./permissions.ts";
import { invalid } from "./errors.ts";
import { conversationFilter } from "./conversation-list.ts";
import { contactView, conversationViews } from "./views.ts";
import { conversationHits, matchingDocuments } from "../store/search-index.ts";
import { flushPendingMessages } from "../store/search-messages.ts";
import { messageSearchText, queryWords, snippet } from "../store/search-text.ts";

/** Matches shown per conversation, best first. */
export const MATCHES_PER_CONVERSATION = 3;
/** How deep a search pages: beyond this, the query should be narrower. */
const MAX_OFFSET = 10_000;
/**
 * A page is first looked for among this many of the engine's best matches (plus a few per
 * position paged over), so that a common word costs its ranking, not grouping and filtering
 * every match. The conversations found there come first in the full ranking too; only when they
 * do not fill the page, and were not all there is, is the search run again over every match.
 */
const CANDIDATES = 2000;

/** Search pages are positions in a ranked list: the cursor is the next position. */
function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { o?: unknown };
    if (Number.isInteger(value?.o) && (value.o as number) >= 0 && (value.o as number) <= MAX_OFFSET)
      return value.o as number;
  } catch {
    // fall through
  }
  throw invalid("cursor", "not a cursor this API returned");
}

function wordsOf(q: string): string[] {
  const words = queryWords(q);
  if (words.length === 0) throw invalid("q", "must contain a word to look for");
  return words;
}

const empty = { items: [], hasMore: false, nextCursor: null };

/**
 * GET /v1/search: conversations whose messages, topic, summary, tags or contact hold every word
 * of `q`, best match first, each with its best matches and their snippets. The full-text index
 * finds the documents; the list filters and the caller's site hold on the conversations.
 */
export async function searchConversations(ctx: Ctx, p: Principal, q: SearchQuery): Promise<SearchPage> {
  authorize(p, "conversation.search");
  const words = wordsOf(q.q);
  const offset = decodeCursor(q.cursor);
  const filter = conversationFilter(p, q);
  if (!filter) return empty;
  await flushPendingMessages(ctx.db);
  const best = CANDIDATES + 4 * (offset + q.limit);
  let rows = await rankedPage(ctx, words, filter, offset, q.limit, best);
  const filled = rows.length > 0 && Number(rows[rows.length - 1]!.pos) > offset + q.limit;
  const everyMatch = rows.length > 0 && Number(rows[0]!.found) < best;
  if (!filled && !everyMatch) rows = await rankedPage(ctx, words, filter, offset, q.limit);
  const hasMore = rows.some((r) => Number(r.pos) > offset + q.limit);
  const page = rows.filter((r) => Number(r.pos) <= offset + q.limit);
  if (page.length === 0) return empty;

  const cids = [...new Set(page.map((r) => r.cid))];
  const messageIds = page.filter((r) => r.kind === "message").map((r) => r.key);
  const docIds = page.filter((r) => r.kind !== "message").map((r) => Number(r.key));
  const [messages, docs, conversations] = await Promise.all([
    messageIds.length
      ? ctx.db.selectFrom("messages").select(["id", "seq", "type", "content"]).where("id", "in", messageIds).execute()
      : [],
    docIds.length
      ? ctx.db.selectFrom("search_documents").select(["id", "body"]).where("id", "in", docIds).execute()
      : [],
    ctx.db.selectFrom("conversations").selectAll().where("id", "in", cids).execute(),
  ]);
  const views = new Map((await conversationViews(ctx.db, conversations)).map((c) => [c.id, c]));
  const messageById = new Map(messages.map((m) => [m.id, m]));
  const docById = new Map(docs.map((d) => [String(d.id), d]));
  const match = (r: { kind: string; key: string }) => {
    const m = r.kind === "message" ? messageById.get(r.key) : undefined;
    if (m)
      return {
        messageId: m.id,
        seq: Number(m.seq),
        snippet: snippet(messageSearchText(m.type, json.parse(m.content, {})), words),
      };
    return { messageId: null, seq: null, snippet: snippet(docById.get(r.key)?.body ?? "", words) };
  };
  const items = cids.map((cid) => ({
    conversation: views.get(cid)!,
    matches: page.filter((r) => r.cid === cid).map(match),
  }));
  return { items, hasMore, nextCursor: hasMore ? encodeCursor(offset + q.limit) : null };
}

type Filter = NonNullable<ReturnType<typeof conversationFilter>>;

/**
 * Positions offset+1 … offset+limit+1 of the ranked conversations (up to 3 matches each), from
 * every match or only from the engine's `best` best.
 */
function rankedPage(ctx: Ctx, words: string[], filter: Filter, offset: number, limit: number, best?: number) {
  const hits = ctx.db
    .selectFrom(conversationHits(ctx.db, words, best).as("h"))
    .innerJoin("conversations", "conversations.id", "h.cid")
    .where(filter)
    .select([
      "h.cid",
      "h.kind",
      "h.key",
      "h.found",
      sql<number>`row_number() over (partition by h.cid order by h.rank, h.key)`.as("rn"),
      sql<number>`min(h.rank) over (partition by h.cid)`.as("best"),
    ]);
  const ranked = ctx.db
    .selectFrom(hits.as("x"))
    .where("x.rn", "<=", MATCHES_PER_CONVERSATION)
    .select([
      "x.cid",
      "x.kind",
      "x.key",
      "x.found",
      "x.rn",
      sql<number>`dense_rank() over (order by x.best, x.cid)`.as("pos"),
    ]);
  return ctx.db
    .selectFrom(ranked.as("y"))
    .selectAll()
    .where("y.pos", ">", offset)
    .where("y.pos", "<=", offset + limit + 1)
    .orderBy("y.pos")
    .orderBy("y.rn")
    .execute();
}

/** GET /v1/contacts?q=: contacts by name, email, phone or externalId, best match first. */
export async function searchContacts(
  ctx: Ctx,
  p: Principal,
  q: ContactSearchQuery,
): Promise<{ items: Contact[]; hasMore: boolean; nextCursor: string | null }> {
  authorize(p, "contact.list");
  const words = wordsOf(q.q);
  const offset = decodeCursor(q.cursor);
  const scope = siteScopeOf(p);
  let query = ctx.db
    .selectFrom(matchingDocuments(ctx.db, words).as("h"))
    .innerJoin("search_documents as d", "d.id", "h.id")
    .innerJoin("contacts", "contacts.id", "d.source_id")
    .where("d.source", "=", "contact")
    .selectAll("contacts");
  if (scope) query = query.where("contacts.site_id", "=", scope);
  const rows = await query
    .orderBy("h.rank")
    .orderBy("contacts.id")
    .limit(q.limit + 1)
    .offset(offset)
    .execute();
  const hasMore = rows.length > q.limit;
  return {
    items: rows.slice(0, q.limit).map(contactView),
    hasMore,
    nextCursor: hasMore ? encodeCursor(offset + q.limit) : null,
  };
}
