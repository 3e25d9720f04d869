import { PostgresAdapter, type Kysely, type Migration } from "kysely";
import { createIndexes } from "./indexes.ts";

/** The reporting indexes on the ISO text instants (migration 0020 replaced them with integer ones). */
export const reportIndexes = [
  { name: "report_conversations_created", table: "report_conversations", columns: ["created_at"] },
  { name: "report_conversations_resolved", table: "report_conversations", columns: ["resolved_at"] },
  { name: "report_conversations_rated", table: "report_conversations", columns: ["rated_at"] },
  // Covering: the summary counts distinct conversations per kind, agent and day from the index alone.
  {
    name: "report_changes_created",
    table: "report_changes",
    columns: ["created_at", "kind", "conversation_id", "agent_id"],
  },
] as const;

/**
 * Reports (CONTRACT §10, docs/reports.md): the `reports` consumer of the event log projects each
 * conversation's history into two tables that the summary reads by time range.
 * - `report_conversations`: one row per conversation: when it started, its first contact message,
 *   the first human agent message after it (and who wrote it), its first solve or close, and the
 *   rating it holds now (with the assignee when it was given). Queue, assignee and status are kept
 *   current from each event, for the filters.
 * - `report_changes`: one row per assignment, solve and close, with the assignee at that moment.
 * Rows go with their conversation (erasure).
 */
export const reports: Migration = {
  async up(db: Kysely<any>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable("report_conversations")
      .addColumn("conversation_id", "text", (c) => c.primaryKey().references("conversations.id").onDelete("cascade"))
      .addColumn("site_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("queue", "text")
      .addColumn("assignee", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("first_contact_at", "text")
      .addColumn("first_response_at", "text")
      .addColumn("first_responder", "text")
      .addColumn("resolved_at", "text")
      .addColumn("rating_score", "integer")
      .addColumn("rated_at", "text")
      .addColumn("rating_agent", "text")
      .execute();
    await db.schema
      .createTable("report_changes")
      .addColumn("id", postgres ? "bigserial" : "integer", (c) =>
        postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("agent_id", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await createIndexes(db, reportIndexes);
    // Erasure deletes a conversation's changes by it.
    await db.schema.createIndex("report_changes_conversation").on("report_changes").column("conversation_id").execute();
  },
};
