import { PostgresAdapter, sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "./tables.ts";
import { searchWords } from "./search-text.ts";

/**
 * The full-text index: one row of `search_documents` per searchable thing, indexed by the
 * database's own engine, written by the caller inside the write's transaction.
 * SQLite: a contentless FTS5 table (`unicode61 remove_diacritics 2`, prefix indexes) whose rowid is
 * the document's id; PostgreSQL: a `tsvector` column with a GIN index. Both are fed the same
 * folded words (search-text.ts), so both find the same things.
 *
 * A new source (notes, say) is one more `source` value: index it with `indexDocument` where it
 * is written, with its conversation, and search finds it; erasing the conversation removes it.
 */
export type SearchSource = "message" | "conversation" | "contact" | "note";

export interface SearchDocument {
  source: SearchSource;
  /** The id of what is indexed (a message, conversation, contact or note id): one document each. */
  sourceId: string;
  siteId: string;
  /** The conversation it belongs to; null for a contact. */
  conversationId: string | null;
  /** A message's seq; null otherwise. */
  seq: number | null;
  /** The text shown in snippets, as written. */
  body: string;
}

type Db = Kysely<Database>;

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/** What the engine indexes: the folded words, separated by spaces. */
const indexText = (body: string) => searchWords(body).join(" ");

/** Adds a document that cannot be indexed yet (a new message): one insert into each table. */
export async function insertDocument(db: Db, doc: SearchDocument): Promise<void> {
  const row = {
    site_id: doc.siteId,
    conversation_id: doc.conversationId,
    source: doc.source,
    source_id: doc.sourceId,
    seq: doc.seq,
    body: doc.body,
  };
  if (isPostgres(db)) {
    await db
      .insertInto("search_documents")
      .values({ ...row, tsv: sql`to_tsvector('simple', ${indexText(doc.body)})` })
      .execute();
    return;
  }
  const { id } = await db.insertInto("search_documents").values(row).returning("id").executeTakeFirstOrThrow();
  await sql`insert into search_fts (rowid, body) values (${id}, ${indexText(doc.body)})`.execute(db);
}

/** Adds or replaces the document of `doc.sourceId`; an empty body removes it. */
export async function indexDocument(db: Db, doc: SearchDocument): Promise<void> {
  await removeDocuments(db, { sourceIds: [doc.sourceId] });
  if (doc.body.trim()) await insertDocument(db, doc);
}

/** Removes the documents of these sources, or of everything in these conversations. */
export async function removeDocuments(
  db: Db,
  which: { sourceIds?: string[]; conversationIds?: string[] },
): Promise<void> {
  const match = (column: "source_id" | "conversation_id", ids: string[]) =>
    db.selectFrom("search_documents").select("id").where(column, "in", ids);
  for (const [column, ids] of [
    ["source_id", which.sourceIds ?? []],
    ["conversation_id", which.conversationIds ?? []],
  ] as const) {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (!isPostgres(db)) await sql`delete from search_fts where rowid in (${match(column, chunk)})`.execute(db);
      await db.deleteFrom("search_documents").where(column, "in", chunk).execute();
    }
  }
}

/**
 * The documents that hold every one of `words` (each as a prefix), as rows `(id, rank)`: lower
 * rank is better. Read through the engine's index, never by scanning documents.
 */
export function matchingDocuments(db: Db, words: string[]): RawBuilder<{ id: number; rank: number }> {
  if (isPostgres(db)) {
    const query = words.map((w) => `${w}:*`).join(" & ");
    return sql`(select d.id, -ts_rank(d.tsv, q.query, 1) as rank
      from search_documents d, to_tsquery('simple', ${query}) as q(query) where d.tsv @@ q.query)`;
  }
  const match = words.map((w) => `"${w}"*`).join(" ");
  return sql`(select rowid as id, rank from search_fts where search_fts match ${match})`;
}
