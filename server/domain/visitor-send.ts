import type { TypedMessageInput } from "../../shared/schemas/index.ts";
import type { VisitorConversation, VisitorMessage } from "../../shared/protocol.ts";
import { writeGrouped } from "./write-group.ts";
import { type Ctx, type Db, type Principal } from "./context.ts";
import { ParleyError } from "./errors.ts";
import { conversationRow, insertConversation } from "./conversations.ts";
import { postMessage, postMessageIn } from "./messages.ts";
import type { ConversationRow, VisitorRow } from "../store/tables.ts";
import { latestConversationId, lockVisitor, visitorConversation, visitorPrincipal } from "./visitors.ts";
import { conversationUniqueId, messageKey, visitorMessageOf } from "./visitor-messages.ts";
import { BatchedLookup, perOwner } from "../store/batched-lookup.ts";

export interface VisitorSend {
  clientId: string;
  conversationId?: string | null;
  message: TypedMessageInput;
}

/** Conversations by site and uniqueId; the sends that arrive together look theirs up in one query per site. */
const startedLookup = perOwner(
  (ctx: Ctx) =>
    new BatchedLookup<string, ConversationRow>(async (keys) => {
      const bySite = new Map<string, string[]>();
      for (const key of keys) {
        const [siteId, uniqueId] = key.split("\u0000") as [string, string];
        bySite.set(siteId, [...(bySite.get(siteId) ?? []), uniqueId]);
      }
      const found = new Map<string, ConversationRow>();
      for (const [siteId, uniqueIds] of bySite) {
        const rows = await ctx.db
          .selectFrom("conversations")
          .selectAll()
          .where("site_id", "=", siteId)
          .where("unique_id", "in", uniqueIds)
          .execute();
        for (const row of rows) found.set(`${siteId}\u0000${row.unique_id}`, row);
      }
      return found;
    }),
);

/**
 * A message from the widget, idempotent by its client id: the same client id again returns the
 * stored message and stores nothing. The first message starts a `channel: "widget"`
 * conversation (or joins the visitor's open one, so that a lost conversation id or a second tab
 * never makes a ghost conversation); a message to a closed conversation starts a new one.
 */
export async function sendFromVisitor(
  ctx: Ctx,
  visitor: VisitorRow,
  input: VisitorSend,
): Promise<{ message: VisitorMessage; conversation: VisitorConversation; started: boolean }> {
  const p = visitorPrincipal(visitor);
  if (!p.contactId) throw new ParleyError("conflict", "The visitor has no contact yet");
  const key = messageKey(input.clientId);
  const uniqueId = conversationUniqueId(visitor.id, input.clientId);
  const started = (db: Db) =>
    db
      .selectFrom("conversations")
      .selectAll()
      .where("site_id", "=", visitor.site_id)
      .where("unique_id", "=", uniqueId)
      .executeTakeFirst();
  const startedWith = async (db: Db, row: ConversationRow) => {
    const first = await db
      .selectFrom("messages")
      .selectAll()
      .where("conversation_id", "=", row.id)
      .where("seq", "=", 1)
      .executeTakeFirstOrThrow();
    return { message: visitorMessageOf(first, row), conversation: visitorConversation(row), started: false };
  };
  // This client id started a conversation already: the same message again.
  const twin = await startedLookup(ctx).load(`${visitor.site_id}\u0000${uniqueId}`);
  if (twin) return startedWith(ctx.db, twin);
  if (input.conversationId) {
    try {
      const stored = await postMessage(ctx, p, input.conversationId, input.message, { idempotencyKey: key });
      return {
        message: { ...stored.message, clientId: input.clientId },
        // The conversation as this message left it; a message found again: as it is now.
        conversation: stored.row
          ? visitorConversation(stored.row)
          : await conversationState(ctx.db, p, input.conversationId),
        started: false,
      };
    } catch (err) {
      if (!(err instanceof ParleyError) || err.code !== "conversation_closed") throw err;
    }
  }
  // Starting is decided under the visitor's row lock: a second tab (on this node or another) waits,
  // then finds the conversation the first one started and joins it.
  // Starts that arrive together share a transaction (write-group.ts).
  return writeGrouped(ctx, async (trx, emit) => {
    await lockVisitor(ctx, trx, visitor.id);
    const twin = await started(trx);
    if (twin) return startedWith(trx, twin);
    const open = await latestConversationId(trx, p, true);
    if (open && open !== input.conversationId) {
      const { message } = await postMessageIn(ctx, trx, emit, p, open, input.message, { idempotencyKey: key });
      return {
        message: { ...message, clientId: input.clientId },
        conversation: await conversationState(trx, p, open),
        started: false,
      };
    }
    const { conversation, created, row } = await insertConversation(
      ctx,
      trx,
      emit,
      p,
      visitor.site_id,
      { message: input.message, sender: { type: "contact" }, uniqueId },
      {
        channel: "widget",
        visitorId: visitor.id,
        contactId: p.contactId,
        siteId: visitor.site_id,
        uniqueIdChecked: true,
      },
      input.message,
    );
    const first = conversation.messages[0];
    if (!first) throw new ParleyError("conflict", "The conversation was started without this message");
    return {
      message: { ...first, clientId: input.clientId },
      // The conversation as its first message left it.
      conversation: row ? visitorConversation(row) : await conversationState(trx, p, conversation.id),
      started: created,
    };
  });
}

async function conversationState(db: Db, p: Principal, id: string): Promise<VisitorConversation> {
  return visitorConversation(await conversationRow(db, p, id));
}
