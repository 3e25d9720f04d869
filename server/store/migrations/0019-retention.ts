import type { Kysely, Migration } from "kysely";

/**
 * Retention (docs/privacy.md): a site may keep closed conversations for a number of days only;
 * the periodic job that deletes older ones is run by one node at a time, under a lease.
 */
export const retention: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("sites").addColumn("retention_days", "integer").execute();
    await db.schema
      .createTable("job_leases")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("holder", "text")
      .addColumn("until", "text")
      .execute();
    await db.schema
      .createIndex("conversations_closed")
      .on("conversations")
      .columns(["site_id", "status", "closed_at"])
      .execute();
  },
};
