import { type Kysely, type Migration } from "kysely";

/**
 * Email continuity (CONTRACT §9, docs/email.md).
 * - `email_threads`: per conversation, up to which seq the visitor was emailed and when the next
 *   email is due (written by the `email` event-log consumer).
 * - `email_outbox`: each email composed, sent at least once with its own Message-ID.
 * - `email_reply_tokens`: the hashes of the reply+<token> addresses, each bound to a conversation.
 */
export const email: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("email_threads")
      .addColumn("conversation_id", "text", (c) => c.primaryKey().references("conversations.id").onDelete("cascade"))
      .addColumn("emailed_seq", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("due_at", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("email_threads_due").on("email_threads").column("due_at").execute();
    await db.schema
      .createTable("email_outbox")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("message_id", "text", (c) => c.notNull().unique())
      .addColumn("recipient", "text", (c) => c.notNull())
      .addColumn("reply_to", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("html", "text", (c) => c.notNull())
      .addColumn("up_to_seq", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull()) // pending | sent | failed
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "text", (c) => c.notNull())
      .addColumn("last_error", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("sent_at", "text")
      .execute();
    await db.schema.createIndex("email_outbox_due").on("email_outbox").columns(["status", "next_attempt_at"]).execute();
    await db.schema
      .createTable("email_reply_tokens")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
  },
};
