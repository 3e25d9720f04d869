import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { core } from "./0001-core.ts";

/**
 * Every migration, in order. Each runs once per database; never edit one that has shipped:
 * add the next file and list it here.
 */
const migrations: Record<string, Migration> = {
  "0001_core": core,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrate(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) throw new Error(`migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
}
