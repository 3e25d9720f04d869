import { PostgresAdapter, sql, type Kysely, type RawBuilder } from "kysely";
import type { Database, MessageRow } from "./tables.ts";
import { messageSearchText, searchWords } from "./search-text.ts";

/**
 * Messages, the one source written at chat speed, are indexed without a document row of their
 * own: SQLite keeps a contentless FTS5 table (`message_fts`) whose rowid is the message row's;
 * PostgreSQL a `search_tsv` column on the message, written by the same INSERT, with a GIN index.
 * Either way the index takes just the new message's words, in the write's transaction, without a
 * trigger. Everything else (conversations, contacts, notes) goes through search_documents.
 */
type Db = Kysely<Database>;

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * SQLite's message index is the contentless FTS5 table `message_fts` (0008). Every FTS5
 * transaction writes a new segment and pays for merging it, which cost a third of the write
 * path when each message did it. So a message's words are written by its own INSERT into
 * `messages.search_words` (its pending words, found through a partial index), and move into
 * message_fts a batch at a time, one segment for many messages — as PostgreSQL's GIN index keeps
 * a pending list. A search moves them first (`flushPendingMessages`), so it finds everything
 * written before it; the write path moves them every PENDING_BATCH messages, so that the list
 * stays short.
 */
export async function addPendingMessageWords(db: Db): Promise<void> {
  await sql`alter table messages add column search_words text`.execute(db);
  await sql`create index messages_search_pending on messages (seq) where search_words is not null`.execute(db);
}

/** The write path moves the pending words into message_fts after this many messages (in this process). */
const PENDING_BATCH = 256;
let written = 0;

/** Moves the pending words into message_fts (one FTS5 segment for all of them). */
export async function flushPendingMessages(db: Db): Promise<void> {
  if (isPostgres(db)) return;
  const pending = sql`from messages where search_words is not null`;
  const any = await sql`select 1 ${pending} limit 1`.execute(db);
  if (any.rows.length === 0) return;
  const move = async (trx: Db) => {
    await sql`insert into message_fts (rowid, body) select rowid, search_words ${pending}`.execute(trx);
    await sql`update messages set search_words = null where search_words is not null`.execute(trx);
  };
  if (db.isTransaction) await move(db);
  else await db.transaction().execute(move);
}

/** Benchmarks turn the index off to measure what it costs (bench/search); nothing else does. */
export const messageIndexing = { enabled: true };

export const messageWords = (row: Pick<MessageRow, "type" | "content">) =>
  searchWords(messageSearchText(row.type, JSON.parse(row.content))).join(" ");

/**
 * The message row to insert, with its words (the same INSERT indexes it): on PostgreSQL into the
 * GIN-indexed `search_tsv`, on SQLite into the pending `search_words`.
 */
export function withSearchColumns(db: Db, row: MessageRow): MessageRow {
  if (!messageIndexing.enabled) return row;
  // Columns the typed table leaves out, so that no read ever selects them for their own sake.
  if (isPostgres(db)) return { ...row, search_tsv: sql`to_tsvector('simple', ${messageWords(row)})` } as MessageRow;
  return { ...row, search_words: messageWords(row) } as MessageRow;
}

/**
 * After the INSERT: on SQLite, every PENDING_BATCH messages, the pending words into message_fts
 * (in this transaction). A batch (backfills, bulk loads) goes in at once.
 */
export async function indexInsertedMessages(db: Db, rows: MessageRow[]): Promise<void> {
  if (!messageIndexing.enabled || isPostgres(db) || rows.length === 0) return;
  written += rows.length;
  if (written < PENDING_BATCH) return;
  written = 0;
  await flushPendingMessages(db);
}

/** A message whose text changed (a streamed message completed). */
export async function reindexMessageText(db: Db, row: MessageRow): Promise<void> {
  if (isPostgres(db)) {
    await sql`update messages set search_tsv = to_tsvector('simple', ${messageWords(row)}) where id = ${row.id}`.execute(
      db,
    );
    return;
  }
  await sql`delete from message_fts where rowid = (select rowid from messages where id = ${row.id})`.execute(db);
  await sql`update messages set search_words = ${messageWords(row)} where id = ${row.id}`.execute(db);
}

/** Before the messages of these conversations are deleted (erasure). PostgreSQL's index goes with the rows. */
export async function unindexConversationMessages(db: Db, conversationIds: string[]): Promise<void> {
  if (isPostgres(db)) return;
  for (let i = 0; i < conversationIds.length; i += 500) {
    const chunk = conversationIds.slice(i, i + 500);
    await sql`delete from message_fts where rowid in
      (select rowid from messages where conversation_id in (${sql.join(chunk)}))`.execute(db);
  }
}

/**
 * Messages holding every word (as prefixes): `(kind 'message', cid, key = message id, rank)`, lower rank better;
 * with `best`, only the engine's `best` best-ranked ones (ranked by the engine before anything is joined).
 */
export function matchingMessages(db: Db, words: string[], best?: number): RawBuilder<unknown> {
  const limit = best === undefined ? sql`` : sql`order by rank limit ${best}`;
  if (isPostgres(db)) {
    const query = words.map((w) => `${w}:*`).join(" & ");
    return sql`select 'message' as kind, cid, key, rank from (select m.conversation_id as cid, m.id as key,
      -ts_rank(m.search_tsv, q.query, 1) as rank
      from messages m, to_tsquery('simple', ${query}) as q(query) where m.search_tsv @@ q.query ${limit}) as mm`;
  }
  const match = words.map((w) => `"${w}"*`).join(" ");
  return sql`select 'message' as kind, m.conversation_id as cid, m.id as key, f.rank as rank
    from (select rowid, rank from message_fts where message_fts match ${match} ${limit}) f
    join messages m on m.rowid = f.rowid`;
}
