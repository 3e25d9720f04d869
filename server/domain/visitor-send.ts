import type { TypedMessageInput } from "../../shared/schemas/index.ts";
import type { VisitorConversation } from "../../shared/protocol.ts";
import { type Ctx, type Db, type Principal } from "./context.ts";
import { ParleyError } from "./errors.ts";
import { conversationRow } from "./conversations.ts";
import { postMessage } from "./messages.ts";
import type { ConversationRow, VisitorRow } from "../store/tables.ts";
import { currentVisitor, ensureVisitorContact, visitorConversation, visitorPrincipal } from "./visitors.ts";
import { conversationUniqueId, messageKey, visitorMessageOf } from "./visitor-messages.ts";
import { BatchedLookup, perOwner } from "../store/batched-lookup.ts";
import { BatchQueue } from "./batch-queue.ts";
import { startConversations, storedStarts, type StartRequest, type Started } from "./visitor-starts.ts";

export interface VisitorSend {
  clientId: string;
  conversationId?: string | null;
  message: TypedMessageInput;
}

/** Conversations by site and uniqueId; the sends that arrive together look theirs up in one query per site. */
const startedLookup = perOwner(
  (ctx: Ctx) =>
    new BatchedLookup<string, ConversationRow>((keys) =>
      storedStarts(
        ctx.db,
        keys.map((key) => key.split("\u0000") as [string, string]),
      ),
    ),
);

/**
 * Starts that arrive together share a transaction and its statements (visitor-starts.ts). On
 * PostgreSQL two groups are written at once, each on a connection of its own: a group's
 * statements are round trips that the next group need not wait for (measured: first messages'
 * p50 and p99 lower by a third to a half at 500 visitors than one group at a time, four no better).
 */
const MAX_STARTS = 200;
const PARALLEL_STARTS = { postgres: 2, sqlite: 1 };
const startsOf = perOwner(
  (ctx: Ctx) =>
    new BatchQueue<StartRequest, Started>(
      ctx,
      (trx, emit, requests) => startConversations(ctx, trx, emit, requests),
      MAX_STARTS,
      PARALLEL_STARTS[ctx.dialect],
    ),
);

/**
 * A message from the widget, idempotent by its client id: the same client id again returns the
 * stored message and stores nothing. The first message starts a `channel: "widget"`
 * conversation (or joins the visitor's open one, so that a lost conversation id or a second tab
 * never makes a ghost conversation); a message to a closed conversation starts a new one. A
 * visitor's first message makes its (anonymous) contact too. Answers the visitor as stored now.
 */
export async function sendFromVisitor(ctx: Ctx, cached: VisitorRow, input: VisitorSend): Promise<Started> {
  let visitor = await currentVisitor(ctx, cached.id);
  // A conversation id from a visitor without a contact is checked as any other, once it has one.
  if (!visitor.contact_id && input.conversationId) visitor = await ensureVisitorContact(ctx, visitor);
  if (visitor.contact_id) {
    const p = visitorPrincipal(visitor);
    // This client id started a conversation already: the same message again.
    const uniqueId = conversationUniqueId(visitor.id, input.clientId);
    const twin = await startedLookup(ctx).load(`${visitor.site_id}\u0000${uniqueId}`);
    if (twin) {
      const first = await ctx.db
        .selectFrom("messages")
        .selectAll()
        .where("conversation_id", "=", twin.id)
        .where("seq", "=", 1)
        .executeTakeFirstOrThrow();
      return {
        message: visitorMessageOf(first, twin),
        conversation: visitorConversation(twin),
        started: false,
        visitor,
      };
    }
    if (input.conversationId) {
      try {
        const stored = await postMessage(ctx, p, input.conversationId, input.message, {
          idempotencyKey: messageKey(input.clientId),
        });
        return {
          message: { ...stored.message, clientId: input.clientId },
          // The conversation as this message left it; a message found again: as it is now.
          conversation: stored.row
            ? visitorConversation(stored.row)
            : await conversationState(ctx.db, p, input.conversationId),
          started: false,
          visitor,
        };
      } catch (err) {
        if (!(err instanceof ParleyError) || err.code !== "conversation_closed") throw err;
      }
    }
  }
  // Starting is decided under the visitor's row lock: a second tab (on this node or another) waits,
  // then finds the conversation the first one started and joins it.
  return startsOf(ctx).post({
    visitorId: visitor.id,
    clientId: input.clientId,
    conversationId: input.conversationId ?? null,
    message: input.message,
  });
}

async function conversationState(db: Db, p: Principal, id: string): Promise<VisitorConversation> {
  return visitorConversation(await conversationRow(db, p, id));
}
