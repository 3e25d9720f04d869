import { PostgresAdapter, type Kysely, type Migration } from "kysely";

/**
 * The durable event log. `events` holds every durable domain event (the ones a webhook can carry),
 * appended in the transaction of the change that produced it; `position` only grows.
 * `subject` is the conversation or contact the event is about (erasure forgets by it).
 * `event_consumers` holds each consumer's position in the log and its lease.
 */
export const events: Migration = {
  async up(db: Kysely<any>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

    await db.schema
      .createTable("events")
      .addColumn("position", postgres ? "bigserial" : "integer", (c) =>
        postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn("id", "text", (c) => c.notNull().unique())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("site_id", "text", (c) => c.notNull())
      .addColumn("subject", "text")
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("events_created").on("events").columns(["created_at"]).execute();
    await db.schema.createIndex("events_subject").on("events").columns(["subject"]).execute();

    await db.schema
      .createTable("event_consumers")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("position", postgres ? "bigint" : "integer", (c) => c.notNull())
      .addColumn("lease_id", "text")
      .addColumn("lease_until", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
  },
};
