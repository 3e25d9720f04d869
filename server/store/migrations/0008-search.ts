import { PostgresAdapter, sql, type Kysely, type Migration } from "kysely";
import type { Database } from "../tables.ts";
import { reindexContact, reindexConversations } from "../search-sources.ts";
import { messageWords } from "../search-messages.ts";

/**
 * The full-text search index (store/search-index.ts), and the documents of what was written
 * before it existed.
 */
export const search: Migration = {
  async up(anyDb: Kysely<any>) {
    const db = anyDb as Kysely<Database>;
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    let table = db.schema
      .createTable("search_documents")
      .addColumn("id", postgres ? "bigserial" : "integer", (c) =>
        postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn("site_id", "text", (c) => c.notNull())
      .addColumn("conversation_id", "text")
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("source_id", "text", (c) => c.notNull())
      .addColumn("seq", "integer")
      .addColumn("body", "text", (c) => c.notNull());
    if (postgres) table = table.addColumn("tsv", sql`tsvector`, (c) => c.notNull());
    await table.execute();
    await db.schema
      .createIndex("search_documents_source")
      .unique()
      .on("search_documents")
      .column("source_id")
      .execute();
    await db.schema
      .createIndex("search_documents_conversation")
      .on("search_documents")
      .column("conversation_id")
      .execute();
    if (postgres) {
      await sql`create index search_documents_tsv on search_documents using gin (tsv)`.execute(db);
      await sql`alter table messages add column search_tsv tsvector`.execute(db);
      await sql`create index messages_search on messages using gin (search_tsv)`.execute(db);
    } else {
      // Prefix queries work on either; a prefix index (for 2- and 3-letter prefixes) would triple
      // what each message writes, so only the slow-moving documents have one.
      await sql`create virtual table search_fts using fts5(body, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')`.execute(db);
      await sql`create virtual table message_fts using fts5(body, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2')`.execute(db);
    }

    // What existed before: contacts, conversations, messages, a batch at a time.
    let after = "";
    for (;;) {
      const contacts = await db
        .selectFrom("contacts")
        .selectAll()
        .where("id", ">", after)
        .orderBy("id")
        .limit(500)
        .execute();
      if (contacts.length === 0) break;
      for (const c of contacts) await reindexContact(db, c, { conversations: false });
      after = contacts[contacts.length - 1]!.id;
    }
    after = "";
    for (;;) {
      const ids = (
        await db.selectFrom("conversations").select("id").where("id", ">", after).orderBy("id").limit(500).execute()
      ).map((r: { id: string }) => r.id);
      if (ids.length === 0) break;
      await reindexConversations(db, ids);
      after = ids[ids.length - 1]!;
    }
    after = "";
    for (;;) {
      const messages = await db
        .selectFrom("messages")
        .select(["id", "type", "content"])
        .where("id", ">", after)
        .orderBy("id")
        .limit(1000)
        .execute();
      if (messages.length === 0) break;
      const values = sql.join(messages.map((m) => sql`(${m.id}, ${messageWords(m)})`));
      if (postgres)
        await sql`update messages set search_tsv = to_tsvector('simple', v.words)
          from (values ${values}) as v(id, words) where messages.id = v.id`.execute(db);
      else
        await sql`insert into message_fts (rowid, body)
          select m.rowid, v.column2 from (values ${values}) as v join messages m on m.id = v.column1`.execute(db);
      after = messages[messages.length - 1]!.id;
    }
  },
};
