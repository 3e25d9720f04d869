import { write, type Ctx } from "./context.ts";
import type { DomainEvent } from "../events/bus.ts";
import { insertMessages, type MessageOutcome, type MessageRequest, type StoredMessage } from "./message-insert.ts";
import { perOwner } from "../store/batched-lookup.ts";

/**
 * Group commit for messages. Messages posted while a batch is being written (or in the same turn
 * of the event loop) wait and are written together in the next transaction: one BEGIN, one
 * COMMIT and the statements of insertMessages for all of them. Each caller is answered only
 * after the transaction that holds its message has committed, so an answer still means "stored".
 * A message that may not be written (closed, not found) is refused alone; if the transaction
 * itself fails (a unique-key race with another node, a deadlock, an erased contact), every
 * message of the batch is written again in a transaction of its own, with write()'s retries.
 */

const MAX_BATCH = 500;

interface Waiting {
  request: MessageRequest;
  resolve(value: StoredMessage): void;
  reject(err: unknown): void;
}

class MessageQueue {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly ctx: Ctx) {}

  post(request: MessageRequest): Promise<StoredMessage> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Messages that arrive in this turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) await this.writeBatch(this.waiting.splice(0, MAX_BATCH));
    this.running = false;
  }

  private async writeBatch(batch: Waiting[]): Promise<void> {
    const events: DomainEvent[] = [];
    let outcomes: MessageOutcome[];
    try {
      outcomes = await this.ctx.db.transaction().execute(async (trx) => {
        const result = await insertMessages(
          this.ctx,
          trx,
          (e) => events.push(e),
          batch.map((w) => w.request),
        );
        await this.ctx.bus.runTransactionHooks(trx, events);
        return result;
      });
    } catch {
      // One by one, each with write()'s retries: one message's trouble is no other's.
      await Promise.all(batch.map((w) => this.writeAlone(w)));
      return;
    }
    for (const event of events) this.ctx.bus.publish(event);
    outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.value) : batch[i]!.reject(o.error)));
  }

  private async writeAlone(w: Waiting): Promise<void> {
    try {
      const [outcome] = await write(this.ctx, (trx, emit) => insertMessages(this.ctx, trx, emit, [w.request]));
      if (outcome!.ok) w.resolve(outcome!.value);
      else w.reject(outcome!.error);
    } catch (err) {
      w.reject(err);
    }
  }
}

const queueOf = perOwner((ctx: Ctx) => new MessageQueue(ctx));

/** Stores one message in the next group commit; resolves once it is committed. */
export function enqueueMessage(ctx: Ctx, request: MessageRequest): Promise<StoredMessage> {
  return queueOf(ctx).post(request);
}
