import { PostgresAdapter, sql, type Kysely, type Migration } from "kysely";
import { createIndexes } from "./indexes.ts";

/** What the filters read (site, queue and assignee, as they are now): each index carries them. */
const filters = ["site_id", "queue", "assignee"] as const;

/**
 * The reporting indexes: each covers the time range a summary reads, the figures it takes from it
 * and the filters, so that a summary reads the indexes alone; the last one answers, for a change,
 * whether its conversation passes the filters (bench:reports weighs them).
 */
export const reportIndexes = [
  {
    name: "report_conversations_created_ms",
    table: "report_conversations",
    columns: ["created_ms", "response_ms", "first_responder", ...filters],
  },
  {
    name: "report_conversations_resolved_ms",
    table: "report_conversations",
    columns: ["resolved_ms", "resolution_ms", ...filters],
  },
  {
    name: "report_conversations_rated_ms",
    table: "report_conversations",
    columns: ["rated_ms", "rating_score", "rating_agent", ...filters],
  },
  {
    name: "report_changes_created_ms",
    table: "report_changes",
    columns: ["created_ms", "kind", "conversation_id", "agent_id"],
  },
  { name: "report_conversations_filters", table: "report_conversations", columns: ["conversation_id", ...filters] },
] as const;

/** Migration 0017's indexes on the ISO text instants, which no query reads any more. */
const textIndexes = [
  "report_conversations_created",
  "report_conversations_resolved",
  "report_conversations_rated",
  "report_changes_created",
];

/**
 * Reports read integers (docs/reports.md): the projection's instants as epoch milliseconds beside
 * their ISO text, and the two durations the percentiles take, so that a summary buckets local days
 * and hours by integer arithmetic and never parses a timestamp.
 * - report_conversations: created_ms, resolved_ms, rated_ms; response_ms (first contact message to
 *   first response) and resolution_ms (creation to first solve or close);
 * - report_changes: created_ms.
 * Existing rows are filled from their text.
 */
export const reportInstants: Migration = {
  async up(db: Kysely<any>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    const ms = (column: string) =>
      postgres
        ? sql`round(extract(epoch from ${sql.ref(column)}::timestamptz) * 1000)::bigint`
        : sql`cast(round(unixepoch(${sql.ref(column)}, 'subsec') * 1000) as integer)`;
    for (const column of ["created_ms", "resolved_ms", "rated_ms", "response_ms", "resolution_ms"])
      await db.schema.alterTable("report_conversations").addColumn(column, "bigint").execute();
    await db.schema.alterTable("report_changes").addColumn("created_ms", "bigint").execute();
    await db
      .updateTable("report_conversations")
      .set({
        created_ms: ms("created_at"),
        resolved_ms: ms("resolved_at"),
        rated_ms: ms("rated_at"),
        response_ms: sql`${ms("first_response_at")} - ${ms("first_contact_at")}`,
        resolution_ms: sql`${ms("resolved_at")} - ${ms("created_at")}`,
      })
      .execute();
    await db
      .updateTable("report_changes")
      .set({ created_ms: ms("created_at") })
      .execute();
    for (const name of textIndexes) await db.schema.dropIndex(name).ifExists().execute();
    await createIndexes(db, reportIndexes);
  },
};
