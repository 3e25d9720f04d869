import { sql, type Kysely, type Migration } from "kysely";
import { reportIndexes as before } from "./0020-report-instants.ts";
import { createIndexes } from "./indexes.ts";

/**
 * The reporting indexes from here on: 0020's, with the changes' range index carrying what the
 * counts now read (the repeats' instants below), so that they count from the index alone.
 */
export const reportIndexes = [
  ...before.filter((i) => i.name !== "report_changes_created_ms"),
  {
    name: "report_changes_range",
    table: "report_changes",
    columns: ["created_ms", "kind", "agent_id", "prev_ms", "prev_agent_ms", "conversation_id"],
  },
] as const;

/**
 * Each change knows the one before it (docs/reports.md): `prev_ms` is the instant of the previous
 * change of the same kind to the same conversation, `prev_agent_ms` of the previous one of the
 * same kind, conversation and agent (null: none). A change counts for a period, or a local day,
 * when the one before it is older than the period's or day's start, so the summary counts each
 * conversation once per figure with a plain count instead of a count of distinct conversations,
 * which sorted every change of the range. Existing changes are filled in.
 */
export const reportRepeats: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("report_changes").addColumn("prev_ms", "bigint").execute();
    await db.schema.alterTable("report_changes").addColumn("prev_agent_ms", "bigint").execute();
    await sql`
      update report_changes set prev_ms = p.prev_ms, prev_agent_ms = p.prev_agent_ms
      from (
        select id,
          lag(created_ms) over (partition by conversation_id, kind order by created_ms, id) as prev_ms,
          lag(created_ms) over (partition by conversation_id, kind, agent_id order by created_ms, id)
            as prev_agent_ms
        from report_changes
      ) as p
      where p.id = report_changes.id and (p.prev_ms is not null or p.prev_agent_ms is not null)
    `.execute(db);
    await db.schema.dropIndex("report_changes_created_ms").ifExists().execute();
    await createIndexes(db, reportIndexes);
  },
};
