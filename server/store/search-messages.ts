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
 * SQLite's message index: contentless, words without positions (`detail=none`: prefix queries
 * and BM25 by document length still work; snippets come from the stored text, no query is a
 * phrase), no prefix index.
 */
export async function createMessageFts(db: Db): Promise<void> {
  await sql`create virtual table message_fts using fts5(body, content='', contentless_delete=1, detail=none,
    tokenize='unicode61 remove_diacritics 2')`.execute(db);
}

/** Benchmarks turn the index off to measure what it costs (bench/search); nothing else does. */
export const messageIndexing = { enabled: true };

export const messageWords = (row: Pick<MessageRow, "type" | "content">) =>
  searchWords(messageSearchText(row.type, JSON.parse(row.content))).join(" ");

/** The message row to insert: on PostgreSQL with its words (the same INSERT indexes it). */
export function withSearchColumns(db: Db, row: MessageRow): MessageRow {
  if (!messageIndexing.enabled || !isPostgres(db)) return row;
  // A column the typed table leaves out, so that no read ever selects it for its own sake.
  return { ...row, search_tsv: sql`to_tsvector('simple', ${messageWords(row)})` } as MessageRow;
}

/** After the INSERT: on SQLite, the message's words into message_fts under its rowid. */
export async function indexInsertedMessages(db: Db, rows: MessageRow[]): Promise<void> {
  if (!messageIndexing.enabled || isPostgres(db) || rows.length === 0) return;
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values = chunk.map((r) => sql`(${r.id}, ${messageWords(r)})`);
    await sql`insert into message_fts (rowid, body)
      select m.rowid, v.column2 from (values ${sql.join(values)}) as v join messages m on m.id = v.column1`.execute(db);
  }
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
  await indexInsertedMessages(db, [row]);
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
