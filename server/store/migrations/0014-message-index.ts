import { PostgresAdapter, sql, type Kysely, type Migration } from "kysely";
import type { Database } from "../tables.ts";
import { createMessageFts, messageWords } from "../search-messages.ts";

/**
 * SQLite's message index rebuilt lean (search-messages.ts `createMessageFts`): no word positions
 * (`detail=none`: snippets are computed from the stored text and no query is a phrase), and
 * fewer, larger merges. It is filled again from the messages (what 0008 indexed); PostgreSQL is unchanged.
 */
export const messageIndex: Migration = {
  async up(anyDb: Kysely<any>) {
    const db = anyDb as Kysely<Database>;
    if (db.getExecutor().adapter instanceof PostgresAdapter) return;
    await sql`drop table message_fts`.execute(db);
    await createMessageFts(db);
    let after = "";
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
      await sql`insert into message_fts (rowid, body)
        select m.rowid, v.column2 from (values ${values}) as v join messages m on m.id = v.column1`.execute(db);
      after = messages[messages.length - 1]!.id;
    }
  },
};
