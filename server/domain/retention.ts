import type { Logger } from "pino";
import { write, type Ctx } from "./context.ts";
import { deleteConversationRows, deleteLinkedFiles, linkedFileHashes } from "./conversation-deletion.ts";
import { claimLease } from "../store/leases.ts";

/**
 * Retention (docs/privacy.md): a site with `retentionDays` set loses its conversations closed
 * longer ago than that, with their messages, files, notes, ratings, search entries and events.
 * Each batch is its own short transaction, and the job yields between batches, so that writers
 * never wait long behind it. One node at a time runs it (a lease in `job_leases`).
 */

const DAY_MS = 86_400_000;
const LEASE = "retention";

export interface RetentionOptions {
  /** Conversations deleted per transaction. */
  batchSize?: number;
  /** How long a node holds the job before another may take it over (a node that died). */
  leaseMs?: number;
}

/** One batch of a site's expired conversations deleted; answers how many. */
async function expireBatch(ctx: Ctx, siteId: string, cutoff: string, batchSize: number): Promise<number> {
  return write(ctx, async (trx, emit) => {
    let q = trx
      .selectFrom("conversations")
      .select("id")
      .where("site_id", "=", siteId)
      .where("status", "=", "closed")
      .where("closed_at", "<", cutoff)
      .orderBy("closed_at")
      .limit(batchSize);
    // PostgreSQL: rows a writer holds (reopened this instant) are left for the next pass.
    if (ctx.dialect === "postgres") q = q.forUpdate().skipLocked();
    const ids = (await q.execute()).map((r) => r.id);
    if (!ids.length) return 0;
    await deleteLinkedFiles(trx, siteId, await linkedFileHashes(trx, ids));
    await deleteConversationRows(trx, ids);
    emit({ type: "conversations.expired", siteId, conversationIds: ids });
    return ids.length;
  });
}

/**
 * One pass over every site that has a retention period; answers how many conversations it
 * deleted, or null when another node holds the job.
 */
export async function expireConversations(ctx: Ctx, opts: RetentionOptions = {}): Promise<number | null> {
  const batchSize = opts.batchSize ?? 100;
  const lease = await claimLease(ctx.db, LEASE, opts.leaseMs ?? 10 * 60_000);
  if (!lease) return null;
  let total = 0;
  try {
    const sites = await ctx.db
      .selectFrom("sites")
      .select(["id", "retention_days"])
      .where("retention_days", "is not", null)
      .execute();
    for (const site of sites) {
      const cutoff = new Date(Date.parse(ctx.now()) - site.retention_days! * DAY_MS).toISOString();
      for (;;) {
        const n = await expireBatch(ctx, site.id, cutoff, batchSize);
        total += n;
        if (n < batchSize || !(await lease.renew())) break;
        // Writers queued behind this batch go first.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    await lease.release();
  }
  return total;
}

/** Runs the pass on start and then every `intervalMs` (PARLEY_RETENTION_INTERVAL_MS, default an hour). */
export function scheduleRetention(ctx: Ctx, log: Logger, intervalMs: number, opts: RetentionOptions = {}) {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = expireConversations(ctx, opts).then(
      (n) => n && log.info({ deleted: n }, "retention: closed conversations past their site's period deleted"),
      (err: unknown) => log.error({ err }, "retention pass failed"),
    );
    return running;
  };
  const timer = setInterval(run, intervalMs);
  timer.unref?.();
  const first = setTimeout(run, 1000);
  first.unref?.();
  return {
    runOnce: () => expireConversations(ctx, opts),
    close: async () => {
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
