import type { Kysely } from "kysely";

/** An index a migration creates, named so that a benchmark can drop and create it again. */
export interface IndexSpec {
  name: string;
  table: string;
  columns: readonly string[];
}

/** Creates each index that is not there yet. */
export async function createIndexes(db: Kysely<any>, indexes: readonly IndexSpec[]): Promise<void> {
  for (const i of indexes)
    await db.schema
      .createIndex(i.name)
      .ifNotExists()
      .on(i.table)
      .columns([...i.columns])
      .execute();
}
