import { write, type Ctx, type Emit, type Trx } from "./context.ts";
import type { DomainEvent } from "../events/bus.ts";

/**
 * Group commit for a set-oriented write (messages, conversation starts). Requests posted while a
 * batch is being written (or in the same turn of the event loop) wait and are written together in
 * the next transaction: one BEGIN, one COMMIT and the set-oriented write's statements for all of
 * them, on one connection. Each caller is answered only after the transaction that holds its
 * request has committed, so an answer still means "stored"; events are published after it. A
 * request the write refuses (an outcome, not a throw) is refused alone; if the transaction itself
 * fails (a unique-key race with another node, a deadlock, an erased contact), every request of
 * the batch is written again in a transaction of its own, with write()'s retries. With `parallel`
 * above one, a batch starts while others are being written, up to that many at once.
 */

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Writes `requests` in order inside `trx`; one outcome per request, in order. */
export type WriteSet<Q, R> = (trx: Trx, emit: Emit, requests: Q[]) => Promise<Outcome<R>[]>;

interface Waiting<Q, R> {
  request: Q;
  resolve(value: R): void;
  reject(err: unknown): void;
}

export class BatchQueue<Q, R> {
  private waiting: Waiting<Q, R>[] = [];
  private running = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly writeSet: WriteSet<Q, R>,
    private readonly maxBatch: number,
    /** How many batches may be written at once, each in a transaction of its own (PostgreSQL). */
    private readonly parallel = 1,
  ) {}

  post(request: Q): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (this.running < this.parallel) {
        this.running += 1;
        // Requests that arrive in this turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) await this.writeBatch(this.waiting.splice(0, this.maxBatch));
    this.running -= 1;
  }

  private async writeBatch(batch: Waiting<Q, R>[]): Promise<void> {
    if (batch.length === 1) return this.writeAlone(batch[0]!);
    const events: DomainEvent[] = [];
    let outcomes: Outcome<R>[];
    try {
      outcomes = await this.ctx.db.transaction().execute(async (trx) => {
        const result = await this.writeSet(
          trx,
          (e) => events.push(e),
          batch.map((w) => w.request),
        );
        await this.ctx.bus.runTransactionHooks(trx, events);
        return result;
      });
    } catch {
      // One by one, each with write()'s retries: one request's trouble is no other's.
      await Promise.all(batch.map((w) => this.writeAlone(w)));
      return;
    }
    for (const event of events) this.ctx.bus.publish(event);
    outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.value) : batch[i]!.reject(o.error)));
  }

  private async writeAlone(w: Waiting<Q, R>): Promise<void> {
    try {
      const [outcome] = await write(this.ctx, (trx, emit) => this.writeSet(trx, emit, [w.request]));
      if (outcome!.ok) w.resolve(outcome!.value);
      else w.reject(outcome!.error);
    } catch (err) {
      w.reject(err);
    }
  }
}
