import type { Kysely, Migration } from "kysely";

/**
 * Satisfaction (CONTRACT §10): every rating a visitor gave (kept for reports, going with its
 * conversation), and the latest one on the conversation itself, so that views read it with the row.
 */
export const ratings: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("ratings")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("site_id", "text", (c) => c.notNull())
      .addColumn("assignee", "text")
      .addColumn("score", "integer", (c) => c.notNull())
      .addColumn("comment", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("ratings_site_created").on("ratings").columns(["site_id", "created_at"]).execute();
    await db.schema.createIndex("ratings_conversation").on("ratings").columns(["conversation_id"]).execute();
    await db.schema.alterTable("conversations").addColumn("rating_score", "integer").execute();
    await db.schema.alterTable("conversations").addColumn("rating_comment", "text").execute();
    await db.schema.alterTable("conversations").addColumn("rated_at", "text").execute();
  },
};
