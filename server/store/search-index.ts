import { PostgresAdapter, sql, type Kysely, type RawBuilder, type Selectable } from "kysely";
import type { Database, SearchDocumentsTable } from "./tables.ts";
import { searchWords } from "./search-text.ts";
import { matchingMessages } from "./search-messages.ts";
import { prepared } from "./prepared.ts";

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
  await insertDocuments(db, [doc]);
}

/** A document's row as the insert binds it: the table's columns, and the words the engine indexes. */
type DocumentRow = Omit<Selectable<SearchDocumentsTable>, "id" | "tsv"> & { words: string };

const documentColumns = sql.raw("site_id, conversation_id, source, source_id, seq, body");

/** The documents (SQLite: returning their ids, for search_fts), compiled once. */
const documentsInsert = prepared<{ docs: DocumentRow[] }, { id: number; source_id: string }>((_db, b) => {
  const v = b.rows("docs", {
    site_id: "text",
    conversation_id: "text",
    source: "text",
    source_id: "text",
    seq: "integer",
    body: "text",
    words: "text",
  });
  if (b.postgres)
    return sql`insert into search_documents (${documentColumns}, tsv)
      select ${documentColumns}, to_tsvector('simple', words) from (${v}) as v`;
  return sql`insert into search_documents (${documentColumns})
    select ${documentColumns} from (${v}) as v returning id, source_id`;
});

/** SQLite: the engine's rows of the documents just inserted (rowid = the document's id). */
const ftsInsert = prepared<{ rows: { id: number; words: string }[] }, never>(
  (_db, b) => sql<never>`insert into search_fts (rowid, body)
    select id, words from (${b.rows("rows", { id: "integer", words: "text" })}) as v`,
);

/** Adds new documents, a few hundred per statement (backfills and bulk loads). */
export async function insertDocuments(db: Db, docs: SearchDocument[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 500) {
    const chunk = docs.slice(i, i + 500);
    const words = new Map(chunk.map((d) => [d.sourceId, indexText(d.body)]));
    const rows = chunk.map((doc) => ({
      site_id: doc.siteId,
      conversation_id: doc.conversationId,
      source: doc.source,
      source_id: doc.sourceId,
      seq: doc.seq,
      body: doc.body,
      words: words.get(doc.sourceId)!,
    }));
    const ids = await documentsInsert.execute(db, { docs: rows });
    if (isPostgres(db)) continue;
    await ftsInsert.execute(db, { rows: ids.map((r) => ({ id: r.id, words: words.get(r.source_id)! })) });
  }
}

/** Adds or replaces the document of `doc.sourceId`; an empty body removes it. */
export async function indexDocument(db: Db, doc: SearchDocument, opts: { fresh?: boolean } = {}): Promise<void> {
  // A source written in this transaction for the first time has no document to replace.
  if (!opts.fresh) await removeDocuments(db, { sourceIds: [doc.sourceId] });
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

/** The query words as the engine reads them: each a prefix, all of them required. */
const tsQuery = (words: string[]) => words.map((w) => `${w}:*`).join(" & ");
const ftsQuery = (words: string[]) => words.map((w) => `"${w}"*`).join(" ");

/**
 * The documents that hold every one of `words` (each as a prefix), as rows `(id, rank)`: lower
 * rank is better. Read through the engine's index, never by scanning documents.
 */
export function matchingDocuments(db: Db, words: string[]): RawBuilder<{ id: number; rank: number }> {
  if (isPostgres(db))
    return sql`(select d.id, -ts_rank(d.tsv, q.query, 1) as rank
      from search_documents d, to_tsquery('simple', ${tsQuery(words)}) as q(query) where d.tsv @@ q.query)`;
  return sql`(select rowid as id, rank from search_fts where search_fts match ${ftsQuery(words)})`;
}

/**
 * Everything in conversations that holds every one of `words`: rows `(kind, cid, key, rank)`,
 * kind "message" (key: the message id) or a document's source (key: the document id). With
 * `best`, only the `best` best-ranked of them (each engine ranks and cuts its own first): no
 * match left out ranks before one kept; `found` is how many were kept (fewer than `best`: all).
 */
export function conversationHits(
  db: Db,
  words: string[],
  best?: number,
): RawBuilder<{ kind: string; cid: string; key: string; rank: number; found: number }> {
  const limit = best === undefined ? sql`` : sql`order by rank limit ${best}`;
  const docs = isPostgres(db)
    ? sql`select * from (select d.source as kind, d.conversation_id as cid, cast(d.id as text) as key,
          -ts_rank(d.tsv, q.query, 1) as rank
        from search_documents d, to_tsquery('simple', ${tsQuery(words)}) as q(query)
        where d.tsv @@ q.query and d.conversation_id is not null ${limit}) as dd`
    : sql`select * from (select d.source as kind, d.conversation_id as cid, cast(d.id as text) as key, f.rank as rank
        from search_fts f join search_documents d on d.id = f.rowid
        where search_fts match ${ftsQuery(words)} and d.conversation_id is not null ${limit})`;
  const all = sql`${matchingMessages(db, words, best)} union all ${docs}`;
  if (best === undefined) return sql`(select hits.*, 0 as found from (${all}) as hits)`;
  return sql`(select top.*, count(*) over () as found
    from (select * from (${all}) as hits order by rank limit ${best}) as top)`;
}
