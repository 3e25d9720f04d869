import { type Kysely, type Migration } from "kysely";

/**
 * Round-robin routing (CONTRACT §8): the conversations waiting for an agent (oldest first per
 * site) and when round-robin last gave each agent a conversation (its tie-break).
 */
export const routing: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("waiting_conversations")
      .addColumn("conversation_id", "text", (c) => c.primaryKey().references("conversations.id").onDelete("cascade"))
      .addColumn("site_id", "text", (c) => c.notNull())
      .addColumn("since", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("waiting_conversations_site_since")
      .on("waiting_conversations")
      .columns(["site_id", "since"])
      .execute();
    await db.schema
      .createTable("agent_assignments")
      .addColumn("agent_id", "text", (c) => c.primaryKey().references("agents.id").onDelete("cascade"))
      .addColumn("last_assigned_at", "text", (c) => c.notNull())
      .execute();
  },
};
