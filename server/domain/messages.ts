import type { HistoryQuery, Message, TypedMessageInput } from "../../shared/schemas/index.ts";
import { write, type Ctx, type Emit, type Principal, type Trx } from "./context.ts";
import {
  insertMessages,
  type MessageOutcome,
  type MessageRequest,
  type SenderInput,
  type StoredMessage,
} from "./message-insert.ts";
import { enqueueMessage } from "./message-queue.ts";
import { authorize } from "./permissions.ts";
import { closed, invalid, notFound, ParleyError } from "./errors.ts";
import { messageView } from "./views.ts";
import { conversationRow, lockConversation } from "./conversations.ts";
import type { ConversationRow, MessageRow } from "../store/tables.ts";
import { reindexMessageText } from "../store/search-messages.ts";

export type { SenderInput } from "./message-insert.ts";

export const MAX_STREAMED_TEXT = 20_000;

/** Who a message is from, given who is acting and what the request asked for. */
export function senderFor(p: Principal, asked?: { type: "agent" | "bot" | "contact"; name?: string }): SenderInput {
  if (p.kind === "agent")
    return { type: asked?.type === "bot" ? "bot" : "agent", id: p.agentId, name: asked?.name ?? p.name };
  if (p.kind === "visitor") return { type: "contact", id: p.contactId, name: null };
  const type = asked?.type === "bot" ? "bot" : "agent";
  return { type, id: p.kind === "token" ? p.tokenId : null, name: asked?.name ?? null };
}

/**
 * Stores one message inside the caller's transaction (insertMessages with one): takes the next
 * `seq` from the conversation row and moves the conversation's state along, and tells
 * `message.created`. A stored message with the same idempotency key is returned instead.
 */
export async function insertMessage(
  ctx: Ctx,
  trx: Trx,
  emit: Emit,
  conversationId: string,
  input: TypedMessageInput & { streaming?: boolean },
  sender: SenderInput,
  idempotencyKey: string | null,
): Promise<StoredMessage> {
  return only(await insertMessages(ctx, trx, emit, [{ conversationId, input, sender, idempotencyKey }]));
}

const only = (outcomes: MessageOutcome[]): StoredMessage => {
  const [outcome] = outcomes;
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.value;
};

type PostOptions = { sender?: { type: "agent" | "bot"; name?: string }; idempotencyKey?: string | null };

/**
 * The one entry for a message from anywhere: REST, inbox or widget. Concurrent posts share a
 * transaction (message-queue.ts); the answer comes once the message is committed.
 */
export async function postMessage(
  ctx: Ctx,
  p: Principal,
  conversationId: string,
  input: TypedMessageInput & { streaming?: boolean },
  opts: PostOptions = {},
): Promise<StoredMessage> {
  return enqueueMessage(ctx, request(p, conversationId, input, opts));
}

/** postMessage inside a caller's transaction. */
export async function postMessageIn(
  ctx: Ctx,
  trx: Trx,
  emit: Emit,
  p: Principal,
  conversationId: string,
  input: TypedMessageInput & { streaming?: boolean },
  opts: PostOptions = {},
): Promise<StoredMessage> {
  return only(await insertMessages(ctx, trx, emit, [request(p, conversationId, input, opts)]));
}

/**
 * A post as insertMessages takes it: checked against the conversation for `message.create`; a
 * retry of a message stored before the conversation closed is still answered with that message.
 */
const request = (
  p: Principal,
  conversationId: string,
  input: TypedMessageInput & { streaming?: boolean },
  opts: PostOptions,
): MessageRequest => ({
  conversationId,
  input,
  sender: senderFor(p, opts.sender),
  idempotencyKey: opts.idempotencyKey ?? null,
  principal: p,
});

/**
 * History, newest first. Without a cursor: the latest page (after `skip`); `before` pages back
 * from a seq; `after` pages forward from one (the oldest `limit` after it). Every form reads
 * through the (conversation_id, seq) index, so its cost does not grow with the conversation.
 */
export async function listMessages(
  ctx: Ctx,
  p: Principal,
  conversationId: string,
  q: HistoryQuery,
): Promise<{ items: Message[]; total: number; hasMore: boolean }> {
  const conversation = await conversationRow(ctx.db, p, conversationId);
  const total = Number(conversation.last_seq);
  const query = ctx.db.selectFrom("messages").selectAll().where("conversation_id", "=", conversationId);
  let rows: MessageRow[];
  let hasMore: boolean;
  if (q.after !== undefined) {
    rows = (await query.where("seq", ">", q.after).orderBy("seq", "asc").limit(q.limit).execute()).reverse();
    hasMore = (rows[0] ? Number(rows[0].seq) : q.after) < total;
  } else {
    const upper = Math.min(total, q.before !== undefined ? q.before - 1 : total - (q.skip ?? 0));
    // seq is gap-free, so a range on the index replaces OFFSET.
    rows =
      upper < 1
        ? []
        : await query
            .where("seq", "<=", upper)
            .where("seq", ">", upper - q.limit)
            .orderBy("seq", "desc")
            .execute();
    hasMore = upper - q.limit > 0;
  }
  return { items: rows.map(messageView), total, hasMore };
}

async function lockMessage(
  ctx: Ctx,
  trx: Trx,
  p: Principal,
  messageId: string,
): Promise<{ message: MessageRow; conversation: ConversationRow }> {
  authorize(p, "message.stream", undefined, "Message");
  const found = await trx
    .selectFrom("messages")
    .select(["conversation_id"])
    .where("id", "=", messageId)
    .executeTakeFirst();
  if (!found) throw notFound("Message");
  const conversation = await lockConversation(ctx, trx, p, found.conversation_id, "message.stream").catch(() => {
    throw notFound("Message");
  });
  const message = await trx.selectFrom("messages").selectAll().where("id", "=", messageId).executeTakeFirstOrThrow();
  return { message, conversation };
}

/** Adds text to the end of a streamed message; the widget shows it as it grows. */
export async function appendToMessage(ctx: Ctx, p: Principal, messageId: string, text: string): Promise<Message> {
  const result = await write(ctx, async (trx) => {
    const { message, conversation } = await lockMessage(ctx, trx, p, messageId);
    if (conversation.status === "closed") throw closed();
    if (message.state !== "streaming")
      throw new ParleyError("conflict", "This message is complete: it can no longer be appended to");
    const content = JSON.parse(message.content) as { text: string };
    const offset = content.text.length;
    const next = content.text + text;
    if (next.length > MAX_STREAMED_TEXT)
      throw invalid("text", `a streamed message holds at most ${MAX_STREAMED_TEXT} characters`);
    const row = { ...message, content: JSON.stringify({ text: next }) };
    await trx.updateTable("messages").set({ content: row.content }).where("id", "=", messageId).execute();
    return { row, offset, siteId: conversation.site_id };
  });
  if (text.length > 0) {
    ctx.bus.publish({
      type: "message.appended",
      siteId: result.siteId,
      conversationId: result.row.conversation_id,
      messageId,
      offset: result.offset,
      text,
    });
  }
  return messageView(result.row);
}

/** Ends a streamed message, optionally with its final full text. Completing it again with the same text is a no-op. */
export async function completeMessage(ctx: Ctx, p: Principal, messageId: string, text?: string): Promise<Message> {
  return write(ctx, async (trx, emit) => {
    const { message, conversation } = await lockMessage(ctx, trx, p, messageId);
    const current = JSON.parse(message.content) as { text?: string };
    if (message.state === "complete") {
      if (text === undefined || text === current.text) return messageView(message);
      throw new ParleyError("conflict", "This message is already complete");
    }
    if (conversation.status === "closed") throw closed();
    const finalText = text ?? current.text ?? "";
    if (!finalText.trim()) throw invalid("text", "a message cannot complete empty");
    const row: MessageRow = { ...message, state: "complete", content: JSON.stringify({ text: finalText }) };
    await trx
      .updateTable("messages")
      .set({ state: row.state, content: row.content })
      .where("id", "=", messageId)
      .execute();
    await reindexMessageText(trx, row);
    const view = messageView(row);
    emit({ type: "message.completed", siteId: conversation.site_id, conversationId: conversation.id, message: view });
    return view;
  });
}
