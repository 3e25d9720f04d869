import type {
  Conversation,
  Contact,
  Message,
  Site,
  Token,
  Agent,
  Theme,
  Assignment,
  Availability,
  BusinessHours,
  ReplyTime,
  VisitorContext,
  VisitorContextRules,
} from "../../shared/schemas/index.ts";
import type { AgentRow, ContactRow, ConversationRow, MessageRow, SiteRow, TokenRow } from "../store/tables.ts";
import { json, type Db } from "./context.ts";
import { emptyContext } from "./visitor-context.ts";
import { ratingOf } from "./ratings.ts";
import { prepared } from "../store/prepared.ts";

/** Row → API object. The only place that knows both shapes. */
/** Where the inbox opens a conversation: the link the API hands out and emails carry. */
export const inboxLink = (publicUrl: string, conversationId: string) =>
  `${publicUrl}/inbox/#/conversations/${encodeURIComponent(conversationId)}`;

export function messageView(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    sender: { type: row.sender_type as Message["sender"]["type"], id: row.sender_id, name: row.sender_name },
    type: row.type as Message["type"],
    content: json.parse(row.content, {}),
    state: row.state as Message["state"],
    createdAt: row.created_at,
  };
}

export function contactView(row: ContactRow): Contact {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    externalId: row.external_id,
    metadata: json.parse(row.metadata, {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function siteView(row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    siteKey: row.site_key,
    allowedOrigins: json.parse<string[]>(row.allowed_origins, []),
    theme: json.parse<Theme>(row.theme, {}),
    greeting: row.greeting,
    hasIdentitySecret: !!row.identity_secret,
    businessHours: json.parse<BusinessHours | null>(row.business_hours, null),
    awayMessage: row.away_message,
    replyTime: row.reply_time as ReplyTime,
    assignment: json.parse<Assignment>(row.assignment, { mode: "manual", maxOpen: 5 }),
    visitorContext: json.parse<VisitorContextRules>(row.visitor_context, { queryStrings: false }),
    retentionDays: row.retention_days,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function tokenView(row: TokenRow): Token {
  return { id: row.id, name: row.name, siteId: row.site_id, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}

/** `availability` comes from presence (domain/availability.ts agentViews); offline where unknown. */
export function agentView(row: AgentRow, availability: Availability = "offline"): Agent {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role as Agent["role"],
    active: Number(row.active) === 1,
    availability,
    queues: json.parse<string[]>(row.queues, []),
    emailNotifications: Number(row.email_notifications) === 1,
    createdAt: row.created_at,
  };
}

const contactsById = prepared<{ ids: string[] }, ContactRow>((db, b) =>
  db
    .selectFrom("contacts")
    .selectAll()
    .where(b.oneOf("id", "ids", "text")),
);
const tagsOf = prepared<{ ids: string[] }, { conversation_id: string; tag: string }>((db, b) =>
  db
    .selectFrom("conversation_tags")
    .select(["conversation_id", "tag"])
    .where(b.oneOf("conversation_id", "ids", "text"))
    .orderBy("tag"),
);
const messagesById = prepared<{ ids: string[] }, MessageRow>((db, b) =>
  db
    .selectFrom("messages")
    .selectAll()
    .where(b.oneOf("id", "ids", "text")),
);

/**
 * Conversations with their contact, tags and last message, loaded in three batched queries
 * whatever the number of conversations. `knownMessages` and `known.contacts`: rows the caller
 * already holds, not read again; `known.tags`: every conversation's tags, read by the caller;
 * `known.untagged`: conversations just inserted without tags.
 */
export async function conversationViews(
  db: Db,
  rows: ConversationRow[],
  knownMessages: MessageRow[] = [],
  known: { contacts?: ContactRow[]; tags?: Map<string, string[]>; untagged?: boolean } = {},
): Promise<Conversation[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const held = new Set([...knownMessages, ...(known.contacts ?? [])].map((r) => r.id));
  const contactIds = [...new Set(rows.map((r) => r.contact_id).filter((x): x is string => !!x && !held.has(x)))];
  const messageIds = rows.map((r) => r.last_message_id).filter((x): x is string => !!x && !held.has(x));
  const [contacts, tags, messages] = await Promise.all([
    contactIds.length ? contactsById.execute(db, { ids: contactIds }) : [],
    known.untagged || known.tags ? [] : tagsOf.execute(db, { ids }),
    messageIds.length ? messagesById.execute(db, { ids: messageIds }) : [],
  ]);
  const contactById = new Map([...(known.contacts ?? []), ...contacts].map((c) => [c.id, c]));
  const messageById = new Map([...knownMessages, ...messages].map((m) => [m.id, m]));
  const tagsById = new Map<string, string[]>(known.tags);
  for (const t of tags) tagsById.set(t.conversation_id, [...(tagsById.get(t.conversation_id) ?? []), t.tag]);
  return rows.map((row) => {
    const contact = row.contact_id ? contactById.get(row.contact_id) : undefined;
    const last = row.last_message_id ? messageById.get(row.last_message_id) : undefined;
    return {
      id: row.id,
      siteId: row.site_id,
      status: row.status as Conversation["status"],
      priority: row.priority as Conversation["priority"],
      channel: row.channel as Conversation["channel"],
      topic: row.topic,
      summary: row.summary,
      queue: row.queue,
      assignee: row.assignee,
      tags: tagsById.get(row.id) ?? [],
      metadata: json.parse(row.metadata, {}),
      contact: contact
        ? {
            id: contact.id,
            name: contact.name,
            email: contact.email,
            phone: contact.phone,
            externalId: contact.external_id,
          }
        : null,
      uniqueId: row.unique_id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      firstResponseAt: row.first_response_at,
      closedAt: row.closed_at,
      rating: ratingOf(row),
      lastMessage: last ? messageView(last) : null,
      readUpTo: { contact: Number(row.read_contact), agent: Number(row.read_agent) },
      visitor: row.channel === "widget" ? json.parse<VisitorContext>(row.visitor_context, emptyContext()) : null,
    };
  });
}

/** `knownMessages`: rows the caller already holds (the message it just wrote), not read again. */
export async function conversationView(
  db: Db,
  row: ConversationRow,
  knownMessages: MessageRow[] = [],
): Promise<Conversation> {
  const [view] = await conversationViews(db, [row], knownMessages);
  return view!;
}
