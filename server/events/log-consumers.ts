import crypto from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../store/tables.ts";
import type { Dialect } from "../store/db.ts";
import { durableEventTypes, type EventBus } from "./bus.ts";
import { appendHook, highWaterMark, pruneEvents, readEvents, type LoggedEvent } from "./log.ts";
import { Sleeper } from "./sleeper.ts";

/** A reader of the log that keeps its own position (docs/events.md). */
export interface Consumer {
  /** Unique and stable: the position is stored under it. */
  name: string;
  /** Where a consumer seen for the first time starts: the oldest event kept, or after the newest. */
  from: "start" | "end";
  /**
   * Handles a batch, in position order, inside the transaction that moves the position past it:
   * what it writes with `trx` commits exactly once with the new position. Throwing rolls both
   * back and the batch comes again later.
   */
  handle(events: LoggedEvent[], trx: Transaction<Database>): Promise<void>;
  /** After the batch committed (e.g. wake whoever acts on what `handle` wrote). */
  afterCommit?(events: LoggedEvent[]): void;
  batchSize?: number;
}

export interface EventLogOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  bus: EventBus;
  log: Logger;
  now: () => string;
  /** Events older than this are pruned (PARLEY_EVENT_RETENTION_DAYS). */
  retentionDays: number;
  /** How often to look for events committed by other nodes. */
  pollMs?: number;
  /** How long a node may hold a consumer before another node may take it over (a crashed node). */
  leaseMs?: number;
  /** The least time between two high-water marks (each briefly holds back writers on PostgreSQL). */
  markIntervalMs?: number;
}

/**
 * Appends durable events on the write path and runs the consumers. A consumer is processed by one
 * node at a time: a node claims it with a lease (its row in `event_consumers`), handles one batch,
 * moves its position in the batch's transaction only while the lease is still its own, and gives
 * the lease back. The log is read in position order, so each conversation's events reach a
 * consumer in order. Woken on commit of a durable event on this node; a poll covers other nodes.
 */
export class EventLog {
  private consumers: Consumer[] = [];
  private ensured = new Set<string>();
  /** A lower bound of each consumer's position, as this node last saw it. */
  private known = new Map<string, number>();
  private stopping = false;
  private started = false;
  private wakeRequested = false;
  private readonly sleeper = new Sleeper();
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private lastMarkAt = 0;
  private lastPrune = 0;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly markIntervalMs: number;

  constructor(private readonly o: EventLogOptions) {
    this.pollMs = o.pollMs ?? 1000;
    this.leaseMs = o.leaseMs ?? 30_000;
    this.markIntervalMs = o.markIntervalMs ?? 20;
    // First of the transaction hooks: the log is written before anything that reads it.
    o.bus.addTransactionHook(appendHook(o.now));
  }

  /** Adds a consumer; it starts with the next pass (before or after `start`). */
  consume(consumer: Consumer): void {
    if (this.consumers.some((c) => c.name === consumer.name))
      throw new Error(`event log: a consumer named ${consumer.name} is already running`);
    this.consumers.push(consumer);
    this.wake();
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // SQLite is one node: a lease still held was held by a process that is gone.
    if (this.o.dialect === "sqlite")
      await this.o.db.updateTable("event_consumers").set({ lease_id: null, lease_until: null }).execute();
    this.unsubscribe = this.o.bus.subscribe((event) => {
      if ((durableEventTypes as readonly string[]).includes(event.type)) this.wake();
    });
    this.loop = this.run();
  }

  wake(): void {
    this.wakeRequested = true;
    this.sleeper.wake();
  }

  /** Stops after the batch in hand; positions are kept for the next start. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
  }

  /** Removes events older than the retention period; returns how many. Runs hourly on its own. */
  prune(now = Date.now()): Promise<number> {
    return pruneEvents(this.o.db, new Date(now - this.o.retentionDays * 86_400_000).toISOString());
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.wakeRequested = false;
      let more = false;
      try {
        // Let commits that arrive together share one pass.
        await new Promise((resolve) => setImmediate(resolve));
        const wait = this.lastMarkAt + this.markIntervalMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        for (const c of this.consumers) if (!this.ensured.has(c.name)) await this.ensure(c);
        this.lastMarkAt = Date.now();
        const mark = await highWaterMark(this.o.db, this.o.dialect);
        for (const c of this.consumers) {
          if (this.stopping) break;
          try {
            more = (await this.step(c, mark)) || more;
          } catch (err) {
            // This consumer's batch comes again on a later pass; the others go on meanwhile.
            if (!this.stopping) this.o.log.error({ err, consumer: c.name }, "event log: a consumer failed");
          }
        }
        await this.maybePrune();
      } catch (err) {
        if (this.stopping) break;
        this.o.log.error({ err }, "event log: consumer pass failed");
      }
      if (!more && !this.wakeRequested && !this.stopping) await this.sleeper.sleep(this.pollMs);
    }
  }

  /** Creates the consumer's row the first time its name is seen. */
  private async ensure(c: Consumer): Promise<void> {
    const position = c.from === "end" ? await highWaterMark(this.o.db, this.o.dialect) : 0;
    await this.o.db
      .insertInto("event_consumers")
      .values({ name: c.name, position, lease_id: null, lease_until: null, updated_at: this.o.now() })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    this.ensured.add(c.name);
  }

  /** One batch of one consumer, if it has work and no other node holds it. True if more may be waiting. */
  private async step(c: Consumer, mark: number): Promise<boolean> {
    if (mark <= (this.known.get(c.name) ?? -1)) return false;
    const leaseId = crypto.randomBytes(9).toString("base64url");
    const now = new Date();
    const claimed = await this.o.db
      .updateTable("event_consumers")
      .set({ lease_id: leaseId, lease_until: new Date(now.getTime() + this.leaseMs).toISOString() })
      .where("name", "=", c.name)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now.toISOString())]))
      .returning("position")
      .executeTakeFirst();
    if (!claimed) return false; // another node has it: it will get there
    try {
      const from = Number(claimed.position);
      this.known.set(c.name, from);
      const batchSize = c.batchSize ?? 200;
      const events = await readEvents(this.o.db, from, mark, batchSize);
      if (events.length === 0) return false;
      const last = events.at(-1)!.position;
      await this.o.db.transaction().execute(async (trx) => {
        await c.handle(events, trx);
        const moved = await trx
          .updateTable("event_consumers")
          .set({ position: last, updated_at: this.o.now() })
          .where("name", "=", c.name)
          .where("lease_id", "=", leaseId)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new Error(`event log: lost the lease on ${c.name}`);
      });
      this.known.set(c.name, last);
      c.afterCommit?.(events);
      return events.length === batchSize;
    } finally {
      await this.o.db
        .updateTable("event_consumers")
        .set({ lease_id: null, lease_until: null })
        .where("name", "=", c.name)
        .where("lease_id", "=", leaseId)
        .execute();
    }
  }

  private async maybePrune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 3600_000) return;
    this.lastPrune = now;
    const removed = await this.prune(now);
    if (removed > 0) this.o.log.info({ removed }, "event log: pruned events past retention");
  }
}
