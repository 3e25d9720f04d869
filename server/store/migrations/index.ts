import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { core } from "./0001-core.ts";
import { webhooks } from "./0002-webhooks.ts";
import { files } from "./0003-files.ts";
import { originsFromEnv } from "./0004-origins-from-env.ts";
import { roles } from "./0005-roles.ts";
import { events } from "./0006-events.ts";
import { search } from "./0008-search.ts";
import { cannedResponses } from "./0009-canned-responses.ts";
import { notes } from "./0010-notes.ts";
import { availability } from "./0011-availability.ts";
import { routing } from "./0012-routing.ts";
import { visitorContext } from "./0013-visitor-context.ts";
import { messageIndex } from "./0014-message-index.ts";
import { ratings } from "./0015-ratings.ts";
import { email } from "./0016-email.ts";
import { reports } from "./0017-reports.ts";
import { emailTranscriptsNotifications } from "./0018-email-transcripts-notifications.ts";
import { retention } from "./0019-retention.ts";
import { reportInstants } from "./0020-report-instants.ts";
import { reportRepeats } from "./0021-report-repeats.ts";

/**
 * Every migration, in order. Each runs once per database; never edit one that has shipped:
 * add the next file and list it here.
 */
export const migrations: Record<string, Migration> = {
  "0001_core": core,
  "0002_webhooks": webhooks,
  "0003_files": files,
  "0004_origins_from_env": originsFromEnv,
  "0005_roles": roles,
  "0006_events": events,
  "0008_search": search,
  "0009_canned_responses": cannedResponses,
  "0010_notes": notes,
  "0011_availability": availability,
  "0012_routing": routing,
  "0013_visitor_context": visitorContext,
  "0014_message_index": messageIndex,
  "0015_ratings": ratings,
  "0016_email": email,
  "0017_reports": reports,
  "0018_email_transcripts_notifications": emailTranscriptsNotifications,
  "0019_retention": retention,
  "0020_report_instants": reportInstants,
  "0021_report_repeats": reportRepeats,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrate(db: Kysely<any>): Promise<void> {
  // On PostgreSQL the migrator must look for its own tables in the schema in use: otherwise a
  // kysely_migration_lock table in any other schema of the database counts as "already there".
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
}
