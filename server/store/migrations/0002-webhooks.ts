import { PostgresAdapter, type Kysely, type Migration } from "kysely";

/**
 * Webhook subscriptions and the delivery outbox. `webhook_events` holds each announced event's
 * payload once; `webhook_deliveries` holds one row per matching subscription, written in the
 * same transaction as the change. `position` is a monotonic counter that orders deliveries;
 * while a node holds a lease (`lease_id`), `next_attempt_at` is when that lease runs out.
 */
export const webhooks: Migration = {
  async up(db: Kysely<any>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

    await db.schema
      .createTable("webhooks")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site_id", "text", (c) => c.references("sites.id").onDelete("cascade"))
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("webhooks_site").on("webhooks").columns(["site_id", "created_at"]).execute();

    await db.schema
      .createTable("webhook_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("site_id", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("webhook_events_created").on("webhook_events").columns(["created_at"]).execute();

    await db.schema
      .createTable("webhook_deliveries")
      .addColumn("position", postgres ? "bigserial" : "integer", (c) =>
        postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn("id", "text", (c) => c.notNull().unique())
      .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
      .addColumn("event_id", "text", (c) => c.notNull().references("webhook_events.id").onDelete("cascade"))
      .addColumn("ordering_key", "text")
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "text")
      .addColumn("lease_id", "text")
      .addColumn("first_attempt_at", "text")
      .addColumn("last_attempt_at", "text")
      .addColumn("last_status", "integer")
      .addColumn("last_error", "text")
      .addColumn("delivered_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_due")
      .on("webhook_deliveries")
      .columns(["state", "next_attempt_at"])
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_order")
      .on("webhook_deliveries")
      .columns(["webhook_id", "ordering_key", "state", "position"])
      .execute();
    await db.schema.createIndex("webhook_deliveries_event").on("webhook_deliveries").columns(["event_id"]).execute();
    await db.schema
      .createIndex("webhook_deliveries_listing")
      .on("webhook_deliveries")
      .columns(["webhook_id", "position"])
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_finished")
      .on("webhook_deliveries")
      .columns(["state", "created_at"])
      .execute();
  },
};
