import type { Kysely, Migration } from "kysely";

/**
 * Whether the default site's allowed origins came from PARLEY_ALLOWED_ORIGINS (1) or from the
 * API (0): a start without the variable then undoes only what the variable had set.
 */
export const originsFromEnv: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable("sites")
      .addColumn("origins_from_env", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
