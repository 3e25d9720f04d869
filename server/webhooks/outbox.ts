import crypto from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, WebhookDeliveriesTable } from "../store/tables.ts";
import type { Dialect } from "../store/db.ts";
import type { Insertable, Transaction } from "kysely";
import type { LoggedEvent } from "../events/log.ts";
import { json } from "../domain/context.ts";
import { newId } from "../domain/secrets.ts";

/**
 * The durable outbox, fed by the event log: the webhook consumer (webhooks/index.ts) turns each
 * logged event into one delivery per matching subscription, in the transaction that moves its
 * position in the log, so each event gets its deliveries exactly once. A dispatcher leases due
 * rows (a lease pushes `next_attempt_at` forward: if its node dies, the row simply falls due
 * again), posts them, and records the outcome.
 */

/**
 * Writes one event row and one delivery per subscription that wants the event and existed when it
 * happened. Returns whether any delivery was written.
 */
export async function fanOut(trx: Transaction<Database>, events: LoggedEvent[]): Promise<boolean> {
  const siteIds = [...new Set(events.map((e) => e.siteId))];
  const subscriptions = await trx
    .selectFrom("webhooks")
    .select(["id", "site_id", "events", "created_at"])
    .where((eb) => eb.or([eb("site_id", "is", null), eb("site_id", "in", siteIds)]))
    .orderBy("id")
    .execute();
  if (subscriptions.length === 0) return false;
  const wanted = subscriptions.map((s) => ({
    id: s.id,
    siteId: s.site_id,
    createdAt: s.created_at,
    events: new Set(json.parse<string[]>(s.events, [])),
  }));
  const eventRows: Database["webhook_events"][] = [];
  const deliveryRows: Insertable<WebhookDeliveriesTable>[] = [];
  for (const event of events) {
    const matching = wanted.filter(
      (s) =>
        (s.siteId === null || s.siteId === event.siteId) && s.events.has(event.type) && s.createdAt <= event.createdAt,
    );
    if (matching.length === 0) continue;
    // The log's event id is the id receivers see (`parley-event-id`).
    eventRows.push({
      id: event.id,
      type: event.type,
      site_id: event.siteId,
      data: event.data,
      created_at: event.createdAt,
    });
    for (const s of matching) {
      deliveryRows.push({
        id: newId("delivery"),
        webhook_id: s.id,
        event_id: event.id,
        ordering_key: event.subject,
        state: "pending",
        attempts: 0,
        next_attempt_at: event.createdAt,
        created_at: event.createdAt,
      });
    }
  }
  if (eventRows.length === 0) return false;
  await trx.insertInto("webhook_events").values(eventRows).execute();
  // One row at a time keeps `position` in the order of the log on every database.
  for (const row of deliveryRows) await trx.insertInto("webhook_deliveries").values(row).execute();
  return true;
}

/** A leased delivery with everything needed to post it. */
export interface Job {
  position: number;
  deliveryId: string;
  leaseId: string;
  url: string;
  secret: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: string;
  data: string;
  attempts: number;
  firstAttemptAt: string | null;
}

/** The raw body every attempt of this delivery sends: `{ id, type, createdAt, data }`. */
export function deliveryBody(job: Pick<Job, "eventId" | "eventType" | "eventCreatedAt" | "data">): string {
  return `${JSON.stringify({ id: job.eventId, type: job.eventType, createdAt: job.eventCreatedAt }).slice(0, -1)},"data":${job.data}}`;
}

/**
 * Due deliveries whose subscription has nothing earlier pending for the same conversation:
 * per-conversation order holds even while an earlier delivery is retrying.
 */
function due(db: Kysely<Database>, now: string) {
  return db
    .selectFrom("webhook_deliveries as d")
    .where("d.state", "=", "pending")
    .where("d.next_attempt_at", "<=", now)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("webhook_deliveries as e")
            .select("e.position")
            .whereRef("e.webhook_id", "=", "d.webhook_id")
            .whereRef("e.ordering_key", "=", "d.ordering_key")
            .where("e.state", "=", "pending")
            .whereRef("e.position", "<", "d.position"),
        ),
      ),
    );
}

/**
 * Leases up to `limit` due deliveries for `leaseMs`. PostgreSQL: rows locked by another node's
 * lease are skipped (`FOR UPDATE SKIP LOCKED`); SQLite has a single writer anyway.
 */
export async function lease(db: Kysely<Database>, dialect: Dialect, limit: number, leaseMs: number): Promise<Job[]> {
  const now = new Date();
  const leaseId = crypto.randomBytes(9).toString("base64url");
  let pick = due(db, now.toISOString()).select("d.position").orderBy("d.position").limit(limit);
  if (dialect === "postgres") pick = pick.forUpdate().skipLocked();
  // One statement: choosing and leasing are atomic on both databases.
  const leased = await db
    .updateTable("webhook_deliveries")
    .set({ lease_id: leaseId, next_attempt_at: new Date(now.getTime() + leaseMs).toISOString() })
    .where("position", "in", pick)
    .returning("position")
    .execute();
  if (leased.length === 0) return [];
  const rows = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhooks as w", "w.id", "d.webhook_id")
    .innerJoin("webhook_events as ev", "ev.id", "d.event_id")
    .select([
      "d.position",
      "d.id",
      "d.attempts",
      "d.first_attempt_at",
      "w.url",
      "w.secret",
      "ev.id as event_id",
      "ev.type",
      "ev.created_at",
      "ev.data",
    ])
    .where(
      "d.position",
      "in",
      leased.map((r) => r.position),
    )
    .where("d.lease_id", "=", leaseId)
    .orderBy("d.position")
    .execute();
  return rows.map((r) => ({
    position: Number(r.position),
    deliveryId: r.id,
    leaseId,
    url: r.url,
    secret: r.secret,
    eventId: r.event_id,
    eventType: r.type,
    eventCreatedAt: r.created_at,
    data: r.data,
    attempts: Number(r.attempts),
    firstAttemptAt: r.first_attempt_at,
  }));
}

/** When the next delivery falls due (leases included), or null when nothing is pending. */
export async function nextDueAt(db: Kysely<Database>): Promise<string | null> {
  const row = await due(db, "9999")
    .select((eb) => eb.fn.min("d.next_attempt_at").as("at"))
    .executeTakeFirst();
  return (row?.at as string | null | undefined) ?? null;
}

export interface Outcome {
  status: number | null;
  error: string | null;
}

/** Records a successful attempt. Does nothing if the lease was lost meanwhile. */
export async function markDelivered(db: Kysely<Database>, job: Job, outcome: Outcome, at: string): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({
      state: "delivered",
      attempts: job.attempts + 1,
      first_attempt_at: job.firstAttemptAt ?? at,
      last_attempt_at: at,
      last_status: outcome.status,
      last_error: null,
      delivered_at: at,
      next_attempt_at: null,
      lease_id: null,
    })
    .where("position", "=", job.position)
    .where("lease_id", "=", job.leaseId)
    .execute();
}

/**
 * Records a failed attempt: due again after `retryInMs`, or failed for good once retries have
 * gone on for `retryWindowMs` since the first attempt.
 */
export async function markAttemptFailed(
  db: Kysely<Database>,
  job: Job,
  outcome: Outcome,
  at: string,
  retry: { retryInMs: number; retryWindowMs: number },
): Promise<"retry" | "failed"> {
  const first = job.firstAttemptAt ?? at;
  const givesUp = Date.parse(at) - Date.parse(first) >= retry.retryWindowMs;
  await db
    .updateTable("webhook_deliveries")
    .set({
      state: givesUp ? "failed" : "pending",
      attempts: job.attempts + 1,
      first_attempt_at: first,
      last_attempt_at: at,
      last_status: outcome.status,
      last_error: outcome.error ?? (outcome.status ? `HTTP ${outcome.status}` : null),
      next_attempt_at: givesUp ? null : new Date(Date.parse(at) + retry.retryInMs).toISOString(),
      lease_id: null,
    })
    .where("position", "=", job.position)
    .where("lease_id", "=", job.leaseId)
    .execute();
  return givesUp ? "failed" : "retry";
}

/** Gives a lease back unused (shutdown): the delivery is due again at once, its attempts unchanged. */
export async function release(db: Kysely<Database>, job: Job): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ lease_id: null, next_attempt_at: new Date().toISOString() })
    .where("position", "=", job.position)
    .where("lease_id", "=", job.leaseId)
    .execute();
}

/**
 * Single-node SQLite only: any lease still held was held by a process that is gone (crash,
 * kill -9), so its deliveries are due now rather than when the lease would have run out.
 */
export async function releaseStaleLeases(db: Kysely<Database>): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ lease_id: null, next_attempt_at: new Date().toISOString() })
    .where("state", "=", "pending")
    .where("lease_id", "is not", null)
    .execute();
}

/** Forgets finished deliveries (and their events) created before `before`. */
export async function prune(db: Kysely<Database>, before: string): Promise<void> {
  await db
    .deleteFrom("webhook_deliveries")
    .where("state", "in", ["delivered", "failed"])
    .where("created_at", "<", before)
    .execute();
  await db
    .deleteFrom("webhook_events")
    .where("created_at", "<", before)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("webhook_deliveries as d")
            .select("d.position")
            .whereRef("d.event_id", "=", "webhook_events.id"),
        ),
      ),
    )
    .execute();
}
