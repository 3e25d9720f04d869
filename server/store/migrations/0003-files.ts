import { PostgresAdapter, type Kysely, type Migration } from "kysely";

/**
 * Attachments (images and files sent in messages). The bytes live in the database, so that every
 * node of a deployment serves them; `key_hash` is the hash of the unguessable key in the URL.
 */
export const files: Migration = {
  async up(db: Kysely<any>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable("files")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site_id", "text", (c) => c.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("contact_id", "text", (c) => c.references("contacts.id").onDelete("cascade"))
      .addColumn("uploaded_by", "text", (c) => c.notNull())
      .addColumn("key_hash", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("mime_type", "text", (c) => c.notNull())
      .addColumn("size", "integer", (c) => c.notNull())
      .addColumn("data", postgres ? "bytea" : "blob", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("files_contact").on("files").columns(["contact_id"]).execute();
  },
};
