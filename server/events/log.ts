import { sql, type Kysely, type Transaction } from "kysely";
import type { Insertable } from "kysely";
import type { Database, EventsTable } from "../store/tables.ts";
import { prepared } from "../store/prepared.ts";
import type { Dialect } from "../store/db.ts";
import type { TransactionHook } from "./bus.ts";
import { announcement } from "./payloads.ts";
import { newId } from "../domain/secrets.ts";

/**
 * The durable event log (docs/events.md): every durable domain event is appended to `events`
 * inside the transaction of the change that produced it, so an event is in the log if and only if
 * the change committed. Consumers (log-consumers.ts) read it in `position` order.
 */

/** One event as stored: `data` is the JSON text of the event's documented `data`. */
export interface LoggedEvent {
  position: number;
  id: string;
  type: string;
  siteId: string;
  /** The conversation or contact the event is about. */
  subject: string | null;
  data: string;
  createdAt: string;
}

/**
 * PostgreSQL: why a reader never skips an event whose transaction commits late.
 *
 * Positions come from a sequence, handed out when a row is inserted, but transactions commit in
 * any order: position 7 can become visible before position 6 does. A consumer that read 7 and
 * stored "7" as its position would never see 6. So every appending transaction takes this
 * advisory lock in *shared* mode before it inserts (and holds it until it commits or rolls back),
 * and a reader takes it in *exclusive* mode for one statement to find the high-water mark: the
 * exclusive lock is granted only once no appender is between "got a position" and "committed",
 * so every position up to the mark is settled (committed or rolled back for good), and any later
 * appender gets a higher position. Readers then read only up to the mark. This costs writers a
 * wait of at most one in-flight write while a reader takes the mark (readers ask for it at most
 * every `markIntervalMs`), and unlike "read below the oldest running transaction" it needs no
 * transaction ids in the rows and never stalls behind an unrelated long transaction.
 * The lock's key is per schema, so separate Parley databases in one PostgreSQL do not contend.
 * SQLite has a single writer: positions commit in order, and the mark is simply the highest one.
 */
const lockKey = sql`8146, hashtext(current_schema())`;

/**
 * The events appended, in order, in one statement whatever their number: a multi-row INSERT
 * numbers its rows in the order they come, and the rows come in the order of the events. On
 * PostgreSQL the same statement first takes the shared lock (above): its one row is joined to
 * every event row, so the lock is held before any row gets its position.
 */
const appendEvents = prepared<{ rows: Insertable<EventsTable>[] }, never>((_db, b) => {
  const rows = b.rows("rows", {
    id: "text",
    type: "text",
    site_id: "text",
    subject: "text",
    data: "text",
    created_at: "text",
  });
  const from = b.postgres
    ? sql`(select pg_advisory_xact_lock_shared(${lockKey})) as l, (${rows}) as v`
    : sql`(${rows}) as v`;
  return sql<never>`insert into events (id, type, site_id, subject, data, created_at)
    select v.id, v.type, v.site_id, v.subject, v.data, v.created_at from ${from}`;
});

/** The transaction hook that appends the durable events of a write to the log. */
export function appendHook(now: () => string): TransactionHook {
  return async (trx, events) => {
    const rows = events
      .map((e) => announcement(e))
      .filter((a) => a !== null)
      .map((a) => ({
        id: newId("event"),
        type: a.type,
        site_id: a.siteId,
        subject: a.orderingKey,
        data: JSON.stringify(a.data),
        created_at: now(),
      }));
    if (rows.length > 0) await appendEvents.execute(trx, { rows });
  };
}

/** The highest position below which every event is settled (see above); 0 for an empty log. */
export async function highWaterMark(db: Kysely<Database>, dialect: Dialect): Promise<number> {
  const max = (q: Kysely<Database> | Transaction<Database>) =>
    q
      .selectFrom("events")
      .select((eb) => eb.fn.max("position").as("max"))
      .executeTakeFirst()
      .then((r) => Number(r?.max ?? 0));
  if (dialect === "sqlite") return max(db);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${lockKey})`.execute(trx);
    return max(trx);
  });
}

/** Events after `after`, up to and including `upTo`, in order. */
export async function readEvents(
  db: Kysely<Database> | Transaction<Database>,
  after: number,
  upTo: number,
  limit: number,
): Promise<LoggedEvent[]> {
  const rows = await db
    .selectFrom("events")
    .selectAll()
    .where("position", ">", after)
    .where("position", "<=", upTo)
    .orderBy("position")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    position: Number(r.position),
    id: r.id,
    type: r.type,
    siteId: r.site_id,
    subject: r.subject,
    data: r.data,
    createdAt: r.created_at,
  }));
}

/** Retention: forgets events created before `before`. Returns how many were removed. */
export async function pruneEvents(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db.deleteFrom("events").where("created_at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Erasure: forgets every event about these conversations or this contact (their data is personal). */
export async function forgetEvents(trx: Transaction<Database>, subjects: string[]): Promise<void> {
  for (let i = 0; i < subjects.length; i += 500)
    await trx
      .deleteFrom("events")
      .where("subject", "in", subjects.slice(i, i + 500))
      .execute();
}
