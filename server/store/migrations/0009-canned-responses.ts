import { type Kysely, type Migration } from "kysely";

/**
 * Saved replies (CONTRACT §7). `owner_key` is "team" or the author's agent id and `site_key` the
 * site id or "" (every site): not null, so that one unique index holds "a shortcut once per
 * scope" on SQLite and PostgreSQL alike, across nodes.
 */
export const cannedResponses: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("canned_responses")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("owner_key", "text", (c) => c.notNull())
      .addColumn("site_id", "text", (c) => c.references("sites.id").onDelete("cascade"))
      .addColumn("site_key", "text", (c) => c.notNull())
      .addColumn("shortcut", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("created_by", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("canned_responses_shortcut")
      .on("canned_responses")
      .columns(["owner_key", "site_key", "shortcut"])
      .unique()
      .execute();
  },
};
