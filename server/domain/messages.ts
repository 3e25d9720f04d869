import type { Conversation, HistoryQuery, Message, TypedMessageInput } from "../../shared/schemas/index.ts";
import { write, type Ctx, type Emit, type Principal, type Trx } from "./context.ts";
import { newId } from "./secrets.ts";
import { authorize } from "./permissions.ts";
import { closed, invalid, notFound, ParleyError } from "./errors.ts";
import { conversationView, messageView } from "./views.ts";
import { conversationRow, lockConversation } from "./conversations.ts";
import type { ConversationRow, MessageRow } from "../store/tables.ts";
import { indexInsertedMessages, reindexMessageText, withSearchColumns } from "../store/search-messages.ts";
import type { DomainEvent } from "../events/bus.ts";
import { startWaiting } from "./assignment.ts";

export interface SenderInput {
  type: "contact" | "agent" | "bot" | "system";
  id: string | null;
  name: string | null;
}

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
 * Stores one message inside the caller's transaction: takes the next `seq` from the conversation
 * row (the row lock orders concurrent writers), moves the conversation's state along and tells
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
): Promise<{ message: Message; created: boolean; conversation?: Conversation }> {
  if (idempotencyKey) {
    const existing = await trx
      .selectFrom("messages")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("idempotency_key", "=", idempotencyKey)
      .executeTakeFirst();
    if (existing) return { message: messageView(existing), created: false };
  }
  const now = ctx.now();
  const id = newId("message");
  const fromAgentSide = sender.type === "agent" || sender.type === "bot";
  // One UPDATE takes the next seq (the row lock orders concurrent writers) and moves the
  // conversation along; its right-hand sides read the row as it was, so last_seq + 1 is this seq.
  // The agent side has read what it sends; only a human agent's message is a first response
  // (a bot's answer before routing to a person is not, as in Intercom's and Chatwoot's reports).
  const bumped = await trx
    .updateTable("conversations")
    .set((eb) => ({
      last_seq: eb("last_seq", "+", 1),
      updated_at: now,
      last_message_id: id,
      ...(fromAgentSide ? { read_agent: eb("last_seq", "+", 1) } : {}),
      ...(sender.type === "agent" ? { first_response_at: eb.fn.coalesce("first_response_at", eb.val(now)) } : {}),
      ...(sender.type === "contact" ? { read_contact: eb("last_seq", "+", 1) } : {}),
    }))
    .where("id", "=", conversationId)
    .where("status", "!=", "closed")
    .returningAll()
    .executeTakeFirst();
  if (!bumped) throw closed();
  const row: MessageRow = {
    id,
    conversation_id: conversationId,
    seq: Number(bumped.last_seq),
    sender_type: sender.type,
    sender_id: sender.id,
    sender_name: sender.name,
    type: input.type,
    content: JSON.stringify(input.content),
    state: input.streaming ? "streaming" : "complete",
    idempotency_key: idempotencyKey,
    created_at: now,
  };
  await trx.insertInto("messages").values(withSearchColumns(trx, row)).execute();
  await indexInsertedMessages(trx, [row]);

  // A visitor who writes again reopens a solved conversation.
  let reopened = false;
  if (sender.type === "contact") {
    const result = await trx
      .updateTable("conversations")
      .set({ status: "open" })
      .where("id", "=", conversationId)
      .where("status", "=", "solved")
      .executeTakeFirst();
    reopened = Number(result.numUpdatedRows) > 0;
  }
  let conversationNow: ConversationRow = reopened ? { ...bumped, status: "open" } : bumped;
  // A visitor writing to an unassigned conversation makes it wait; round-robin may assign it now,
  // announced after the message.
  const assignments: DomainEvent[] = [];
  if (sender.type === "contact") {
    const assignee = await startWaiting(ctx, trx, (e) => assignments.push(e), conversationNow);
    if (assignee) conversationNow = { ...conversationNow, assignee };
  }
  const message = messageView(row);
  const conversation = await conversationView(trx, conversationNow, [row]);
  emit({ type: "message.created", siteId: bumped.site_id, conversationId, message, conversation });
  if (reopened)
    emit({ type: "conversation.updated", siteId: bumped.site_id, conversationId, conversation, changed: ["status"] });
  assignments.forEach(emit);
  return { message, created: true, conversation };
}

/** The one entry for a message from anywhere: REST, inbox or widget. */
export async function postMessage(
  ctx: Ctx,
  p: Principal,
  conversationId: string,
  input: TypedMessageInput & { streaming?: boolean },
  opts: { sender?: { type: "agent" | "bot"; name?: string }; idempotencyKey?: string | null } = {},
): Promise<{ message: Message; created: boolean }> {
  return write(ctx, (trx, emit) => postMessageIn(ctx, trx, emit, p, conversationId, input, opts));
}

/** postMessage inside a caller's transaction. */
export async function postMessageIn(
  ctx: Ctx,
  trx: Trx,
  emit: Emit,
  p: Principal,
  conversationId: string,
  input: TypedMessageInput & { streaming?: boolean },
  opts: { sender?: { type: "agent" | "bot"; name?: string }; idempotencyKey?: string | null } = {},
): Promise<{ message: Message; created: boolean }> {
  const sender = senderFor(p, opts.sender);
  const row = await conversationRow(trx, p, conversationId, "message.create");
  if (row.status === "closed") {
    // A retry of a message stored before the close is still answered with that message.
    if (opts.idempotencyKey) {
      const existing = await trx
        .selectFrom("messages")
        .selectAll()
        .where("conversation_id", "=", conversationId)
        .where("idempotency_key", "=", opts.idempotencyKey)
        .executeTakeFirst();
      if (existing) return { message: messageView(existing), created: false };
    }
    throw closed();
  }
  return insertMessage(ctx, trx, emit, conversationId, input, sender, opts.idempotencyKey ?? null);
}

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
