import type { Conversation, CreateConversationBody, Message, TypedMessageInput } from "../../shared/schemas/index.ts";
import { parseMessageInput } from "../../shared/schemas/index.ts";
import { json, write, type Ctx, type Db, type Emit, type Principal, type Trx } from "./context.ts";
import { authorize } from "./permissions.ts";
import { newId } from "./secrets.ts";
import { invalid, ParleyError } from "./errors.ts";
import { visitorContextOf } from "./visitor-pages.ts";
import { conversationView, conversationViews, messageView } from "./views.ts";
import { resolveSiteId } from "./sites.ts";
import { upsertContact } from "./contacts.ts";
import { agentAssignable } from "./agents.ts";
import { insertMessage, senderFor, type SenderInput } from "./messages.ts";
import type { ContactRow, ConversationRow } from "../store/tables.ts";
import { indexNewConversation, reindexConversations } from "../store/search-sources.ts";
import { preparedInsert } from "../store/prepared.ts";
import { zodDetails } from "./validation.ts";

/** Starting conversations: from the API, from email, and (one at a time) from the widget. */

export interface CreateOptions {
  channel: "widget" | "api";
  visitorId?: string | null;
  contactId?: string | null;
  siteId?: string;
  /** The caller looked for a conversation with body.uniqueId in this transaction already (and holds the lock that decides it). */
  uniqueIdChecked?: boolean;
}

/**
 * Starts a conversation, with its first message when one is given. A repeated `uniqueId`
 * returns the stored conversation and `created: false`.
 */
export async function createConversation(
  ctx: Ctx,
  p: Principal,
  body: CreateConversationBody,
  opts: CreateOptions = { channel: "api" },
): Promise<{ conversation: Conversation & { messages: Message[] }; created: boolean }> {
  const siteId = opts.siteId ?? (await resolveSiteId(ctx, p, body.siteId));
  authorize(p, "conversation.create", { siteId }, "Site");
  const firstMessage = body.message === undefined ? undefined : parseMessageInput(body.message);
  if (firstMessage && !firstMessage.ok)
    throw new ParleyError(
      "validation_failed",
      "Request validation failed",
      zodDetails(firstMessage.issues, ["message"]),
    );
  if (body.uniqueId) {
    const existing = await ctx.db
      .selectFrom("conversations")
      .selectAll()
      .where("site_id", "=", siteId)
      .where("unique_id", "=", body.uniqueId)
      .executeTakeFirst();
    if (existing) return { conversation: await withFirstMessages(ctx.db, existing), created: false };
  }
  if (body.assignee && !(await agentAssignable(ctx, body.assignee)))
    throw invalid("assignee", "no active agent with this id");
  const senderType = (body.sender ?? body.message?.sender)?.type ?? "agent";
  if (senderType === "contact" && !body.contact && !body.contactId && !opts.contactId)
    throw invalid("sender.type", "a contact message needs a contact");
  const first = firstMessage?.ok ? firstMessage.value : undefined;
  return write(ctx, (trx, emit) => insertConversation(ctx, trx, emit, p, siteId, body, opts, first));
}

/**
 * createConversation's transaction, for a caller that decides inside its own transaction
 * whether to start one (a visitor's first message). `body` is checked already.
 */
export async function insertConversation(
  ctx: Ctx,
  trx: Trx,
  emit: Emit,
  p: Principal,
  siteId: string,
  body: CreateConversationBody,
  opts: CreateOptions,
  firstMessage: TypedMessageInput | undefined,
): Promise<{ conversation: Conversation & { messages: Message[] }; created: boolean; row?: ConversationRow }> {
  authorize(p, "conversation.create", { siteId }, "Site");
  const askedSender = body.sender ?? body.message?.sender;
  const senderType = askedSender?.type ?? "agent";
  const now = ctx.now();
  // The contact's row, when this request gave one: its view and the search document need it.
  let contact: ContactRow | undefined;
  if (body.contactId) {
    contact = await trx.selectFrom("contacts").selectAll().where("id", "=", body.contactId).executeTakeFirst();
    if (!contact || contact.site_id !== siteId) throw invalid("contactId", "no contact with this id on this site");
  } else if (body.contact) {
    contact = await upsertContact(trx, emit, siteId, body.contact, now);
  }
  const contactId = contact?.id ?? opts.contactId ?? null;
  if (body.uniqueId && !opts.uniqueIdChecked) {
    // Checked again inside the transaction; a concurrent twin makes the insert fail and write() retries.
    const twin = await trx
      .selectFrom("conversations")
      .selectAll()
      .where("site_id", "=", siteId)
      .where("unique_id", "=", body.uniqueId)
      .executeTakeFirst();
    if (twin) return { conversation: await withFirstMessages(trx, twin), created: false };
  }
  const row = newConversationRow(now, {
    site_id: siteId,
    contact_id: contactId,
    visitor_id: opts.visitorId ?? null,
    status: body.status ?? "open",
    priority: body.priority ?? "normal",
    channel: opts.channel,
    topic: body.topic ?? null,
    summary: body.summary ?? null,
    queue: body.queue ?? null,
    assignee: body.assignee ?? null,
    metadata: json.stringify(body.metadata ?? {}),
    unique_id: body.uniqueId ?? null,
    visitor_context: opts.visitorId ? await visitorContextOf(trx, opts.visitorId) : null,
  });
  await conversationInsert.execute(trx, row);
  const tags = [...new Set(body.tags ?? [])];
  if (tags.length)
    await trx
      .insertInto("conversation_tags")
      .values(tags.map((tag) => ({ conversation_id: row.id, tag, created_at: now })))
      .execute();
  // Untagged, with its contact at hand (or none): the document and the view are made of what is
  // known here; otherwise they read what is stored, tags in the database's order.
  const known = tags.length === 0 && (contactId === null || contact !== undefined);
  if (known) await indexNewConversation(trx, row, contact);
  else await reindexConversations(trx, [row.id], { fresh: true });
  const [conversation] = await conversationViews(
    trx,
    [row],
    [],
    known ? { contacts: contact && [contact], untagged: true } : {},
  );
  if (!conversation) throw new Error("a conversation without a view");
  emit({ type: "conversation.created", siteId, conversationId: row.id, conversation });
  if (firstMessage) {
    const sender: SenderInput =
      senderType === "contact"
        ? { type: "contact", id: contactId, name: null }
        : senderFor(p, { type: senderType, name: askedSender?.name });
    const first = await insertMessage(ctx, trx, emit, row.id, firstMessage, sender, null);
    return { conversation: { ...first.conversation!, messages: [first.message] }, created: true, row: first.row };
  }
  return { conversation: { ...conversation, messages: [] as Message[] }, created: true, row };
}

const conversationInsert = preparedInsert("conversations", {
  id: true,
  site_id: true,
  contact_id: true,
  visitor_id: true,
  status: true,
  priority: true,
  channel: true,
  topic: true,
  summary: true,
  queue: true,
  assignee: true,
  metadata: true,
  unique_id: true,
  last_seq: true,
  read_contact: true,
  read_agent: true,
  last_message_id: true,
  created_at: true,
  updated_at: true,
  first_response_at: true,
  closed_at: true,
  visitor_context: true,
  rating_score: true,
  rating_comment: true,
  rated_at: true,
});

/** A conversation not stored yet: what every conversation starts with, and `set`. */
export function newConversationRow(
  now: string,
  set: Pick<ConversationRow, "site_id" | "channel"> & Partial<ConversationRow>,
): ConversationRow {
  return {
    id: newId("conversation"),
    contact_id: null,
    visitor_id: null,
    status: "open",
    priority: "normal",
    topic: null,
    summary: null,
    queue: null,
    assignee: null,
    metadata: "{}",
    unique_id: null,
    last_seq: 0,
    read_contact: 0,
    read_agent: 0,
    last_message_id: null,
    created_at: now,
    updated_at: now,
    first_response_at: null,
    closed_at: null,
    visitor_context: null,
    rating_score: null,
    rating_comment: null,
    rated_at: null,
    ...set,
  };
}

async function withFirstMessages(db: Db, row: ConversationRow): Promise<Conversation & { messages: Message[] }> {
  const rows = await db
    .selectFrom("messages")
    .selectAll()
    .where("conversation_id", "=", row.id)
    .where("seq", "<=", 10)
    .orderBy("seq")
    .execute();
  return { ...(await conversationView(db, row)), messages: rows.map(messageView) };
}
