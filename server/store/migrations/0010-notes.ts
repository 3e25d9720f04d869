import type { Kysely, Migration } from "kysely";

/**
 * Private notes (CONTRACT §7) and the agents they mention. Both go with their conversation
 * (cascade), and erasing a contact erases them explicitly as well.
 */
export const notes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("notes")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("author_type", "text", (c) => c.notNull())
      .addColumn("author_id", "text", (c) => c.notNull())
      .addColumn("author_name", "text")
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("mentions", "text", (c) => c.notNull())
      .addColumn("after_seq", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("notes_conversation").on("notes").columns(["conversation_id", "created_at"]).execute();

    await db.schema
      .createTable("note_mentions")
      .addColumn("note_id", "text", (c) => c.notNull().references("notes.id").onDelete("cascade"))
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("note_mentions_pk", ["note_id", "agent_id"])
      .execute();
    await db.schema
      .createIndex("note_mentions_agent")
      .on("note_mentions")
      .columns(["agent_id", "conversation_id"])
      .execute();
    await db.schema
      .createIndex("note_mentions_conversation")
      .on("note_mentions")
      .columns(["conversation_id"])
      .execute();
  },
};
