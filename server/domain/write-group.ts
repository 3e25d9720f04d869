import { write, type Ctx, type Emit, type Trx } from "./context.ts";
import type { DomainEvent } from "../events/bus.ts";
import { perOwner } from "../store/batched-lookup.ts";

/**
 * Group commit for writes that are not messages (message-queue.ts has its own, set-oriented):
 * writes asked for while a group is being written (or in the same turn of the event loop) wait,
 * then run one after another in the next transaction — one BEGIN and one COMMIT for all of them —
 * each seeing what the ones before it wrote, as if they had committed in that order. Each caller
 * is answered only after that transaction committed, so an answer still means "stored"; events
 * are published after the commit, as write() does. If anything in the group throws (a refusal, a
 * unique-key race, a deadlock), nothing of it stays: every write of the group runs again alone,
 * through write() and its retries, and answers for itself.
 */

/** Each caller waits for its whole group, so groups are kept small: what they save is the commit. */
const MAX_GROUP = 16;

type WriteFn<T> = (trx: Trx, emit: Emit) => Promise<T>;

interface Waiting {
  fn: WriteFn<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

class WriteGroup {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly ctx: Ctx) {}

  post<T>(fn: WriteFn<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) await this.writeGroup(this.waiting.splice(0, MAX_GROUP));
    this.running = false;
  }

  private async writeGroup(group: Waiting[]): Promise<void> {
    if (group.length === 1) return this.writeAlone(group[0]!);
    const events: DomainEvent[] = [];
    const results: unknown[] = [];
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        for (const w of group) results.push(await w.fn(trx, (e) => events.push(e)));
        await this.ctx.bus.runTransactionHooks(trx, events);
      });
    } catch {
      await Promise.all(group.map((w) => this.writeAlone(w)));
      return;
    }
    for (const event of events) this.ctx.bus.publish(event);
    group.forEach((w, i) => w.resolve(results[i]));
  }

  private async writeAlone(w: Waiting): Promise<void> {
    try {
      w.resolve(await write(this.ctx, w.fn));
    } catch (err) {
      w.reject(err);
    }
  }
}

const groupOf = perOwner((ctx: Ctx) => new WriteGroup(ctx));

/**
 * As write(), but on SQLite in the next group commit; resolves once that transaction committed.
 * SQLite writes one transaction at a time on its one connection, so sharing costs nothing but
 * saves commits. PostgreSQL runs concurrent transactions side by side and shares their commits'
 * WAL flushes itself; one group would put every write's round trips one after another.
 */
export function writeGrouped<T>(ctx: Ctx, fn: WriteFn<T>): Promise<T> {
  if (ctx.dialect === "postgres") return write(ctx, fn);
  return groupOf(ctx).post(fn);
}
