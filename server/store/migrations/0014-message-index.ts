import { PostgresAdapter, type Kysely, type Migration } from "kysely";
import type { Database } from "../tables.ts";
import { addPendingMessageWords } from "../search-messages.ts";

/**
 * SQLite's pending list of message words (search-messages.ts): a message's words are written by
 * its own INSERT and move into message_fts in batches. What 0008 indexed stays where it is;
 * PostgreSQL is unchanged.
 */
export const messageIndex: Migration = {
  async up(anyDb: Kysely<any>) {
    const db = anyDb as Kysely<Database>;
    if (db.getExecutor().adapter instanceof PostgresAdapter) return;
    await addPendingMessageWords(db);
  },
};
