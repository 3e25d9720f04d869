import type { Ctx } from "./context.ts";
import { insertMessages, type MessageRequest, type StoredMessage } from "./message-insert.ts";
import { BatchQueue } from "./batch-queue.ts";
import { perOwner } from "../store/batched-lookup.ts";

/**
 * Group commit for messages (batch-queue.ts): messages posted while a batch is being written wait
 * and are written together in the next transaction, with the statements of insertMessages for all
 * of them. A message that may not be written (closed, not found) is refused alone.
 */

const MAX_BATCH = 500;

const queueOf = perOwner(
  (ctx: Ctx) =>
    new BatchQueue<MessageRequest, StoredMessage>(
      ctx,
      (trx, emit, requests) => insertMessages(ctx, trx, emit, requests),
      MAX_BATCH,
    ),
);

/** Stores one message in the next group commit; resolves once it is committed. */
export function enqueueMessage(ctx: Ctx, request: MessageRequest): Promise<StoredMessage> {
  return queueOf(ctx).post(request);
}
