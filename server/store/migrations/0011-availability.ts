import { type Kysely, type Migration } from "kysely";

/**
 * Availability (CONTRACT §8): a site's business hours (JSON, null = always open), away message,
 * reply time and assignment rule; an agent's away flag and queues (JSON array, empty = all).
 */
export const availability: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("sites").addColumn("business_hours", "text").execute();
    await db.schema.alterTable("sites").addColumn("away_message", "text").execute();
    await db.schema
      .alterTable("sites")
      .addColumn("reply_time", "text", (c) => c.notNull().defaultTo("minutes"))
      .execute();
    await db.schema
      .alterTable("sites")
      .addColumn("assignment", "text", (c) => c.notNull().defaultTo('{"mode":"manual","maxOpen":5}'))
      .execute();
    await db.schema
      .alterTable("agents")
      .addColumn("away", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("agents")
      .addColumn("queues", "text", (c) => c.notNull().defaultTo("[]"))
      .execute();
  },
};
