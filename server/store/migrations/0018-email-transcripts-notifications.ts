import { type Kysely, type Migration } from "kysely";

/**
 * Transcripts and agent notifications by email (CONTRACT §9, docs/email.md).
 * - `agents.email_notifications`: 1 when the agent opted in to emails while offline.
 * - `email_outbox.kind`: what an outbox row is (`unseen`, `transcript`, `notification`); the
 *   transcript rate limit counts rows by conversation and by recipient over time.
 */
export const emailTranscriptsNotifications: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable("agents")
      .addColumn("email_notifications", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("email_outbox")
      .addColumn("kind", "text", (c) => c.notNull().defaultTo("unseen"))
      .execute();
    await db.schema
      .createIndex("email_outbox_kind_conversation")
      .on("email_outbox")
      .columns(["kind", "conversation_id", "created_at"])
      .execute();
    await db.schema
      .createIndex("email_outbox_kind_recipient")
      .on("email_outbox")
      .columns(["kind", "recipient", "created_at"])
      .execute();
  },
};
