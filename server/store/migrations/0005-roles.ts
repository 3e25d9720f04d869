import { type Kysely, type Migration } from "kysely";

/**
 * Roles of CONTRACT §7 (`owner`, `admin`, `agent`) and deactivated agents. Owners stay owners;
 * any other role an older release stored becomes `agent`, the least one.
 */
export const roles: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable("agents")
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .execute();
    await db
      .updateTable("agents")
      .set({ role: "agent" })
      .where("role", "not in", ["owner", "admin", "agent"])
      .execute();
  },
};
