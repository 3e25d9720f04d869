import type { Transaction } from "kysely";
import type { Database } from "../store/tables.ts";
import type { LoggedEvent } from "../events/log.ts";
import type { Conversation, Note } from "../../shared/schemas/index.ts";
import type { AgentRole } from "../../shared/schemas/agent.ts";
import { takesQueue } from "../../shared/routing.ts";
import { can } from "../domain/permissions.ts";
import { json } from "../domain/context.ts";
import { inboxLink } from "../domain/views.ts";
import { messageLine, noticeHtml, noticeSubject, noticeText, type EmailLine, type NoticeContent } from "./compose.ts";
import { enqueueEmail, parse, siteLook } from "./outbox.ts";

/**
 * Agents' notifications by email (CONTRACT §9, docs/email.md), the `email-notifications` consumer
 * of the event log: a new conversation in an agent's queues, an assignment to them, a mention of
 * them in a note. Only agents who opted in (`emailNotifications`), are active, and are offline
 * (no inbox connected: presence) when the event is handled. Each email is written to the outbox
 * in the transaction that moves the consumer's position: one email per event and agent, across
 * restarts and nodes.
 */
export interface NotifyOptions {
  /** Which agents have an inbox connected, read when the batch is handled. */
  connected(agentIds: string[]): Promise<Set<string>>;
  publicUrl: string;
  domain: string;
  now: string;
}

type Kind = "new" | "assigned" | "mentioned";
const headlines: Record<Kind, string> = {
  new: "New conversation",
  assigned: "Assigned to you",
  mentioned: "You were mentioned",
};

interface Notice {
  kind: Kind;
  agentIds: string[];
  conversation: Conversation;
  line: EmailLine | null;
}

/** The notices one event asks for, before opt-in and presence are applied. */
async function noticesOf(trx: Transaction<Database>, e: LoggedEvent): Promise<Notice[]> {
  const data = parse(e.data) as { conversation?: Conversation; changed?: string[]; note?: Note };
  const conversation = data.conversation;
  if (!conversation) return [];
  const base = { conversation };
  if (e.type === "conversation.created") {
    const out: Notice[] = [];
    if (conversation.assignee) out.push({ ...base, kind: "assigned", agentIds: [conversation.assignee], line: null });
    const team = await optedIn(trx);
    const queue = team.filter(
      (a) =>
        a.id !== conversation.assignee &&
        takesQueue({ queues: json.parse<string[]>(a.queues, []) }, conversation.queue) &&
        can({ kind: "agent", agentId: a.id, name: a.name, role: a.role as AgentRole }, "conversation.read", {
          siteId: e.siteId,
        }),
    );
    out.push({ ...base, kind: "new", agentIds: queue.map((a) => a.id), line: null });
    return out;
  }
  if (e.type === "conversation.updated" && data.changed?.includes("assignee") && conversation.assignee)
    return [{ ...base, kind: "assigned", agentIds: [conversation.assignee], line: null }];
  if (e.type === "note.created" && data.note) {
    const note = data.note;
    const mentioned = note.mentions.filter((id) => id !== note.author.id);
    const line = { from: note.author.name ?? "A teammate", at: note.createdAt, text: note.text };
    return [{ ...base, kind: "mentioned", agentIds: mentioned, line }];
  }
  return [];
}

/** A new conversation shows its first message, an assignment the latest one. */
async function messageOf(
  trx: Transaction<Database>,
  c: Conversation,
  order: "asc" | "desc",
  siteName: string,
): Promise<EmailLine | null> {
  const m = await trx
    .selectFrom("messages")
    .selectAll()
    .where("conversation_id", "=", c.id)
    .where("state", "=", "complete")
    .orderBy("seq", order)
    .limit(1)
    .executeTakeFirst();
  if (!m) return null;
  const name = m.sender_name || (m.sender_type === "contact" ? aboutOf(c) : null);
  return messageLine({ type: m.sender_type, name }, siteName, m.type, parse(m.content), m.created_at);
}

/** Who the conversation is with, as the notification names it. */
const aboutOf = (c: Conversation) => c.contact?.name || c.contact?.email || c.topic || "a visitor";

const optedIn = (trx: Transaction<Database>) =>
  trx
    .selectFrom("agents")
    .select(["id", "name", "role", "queues", "email"])
    .where("active", "=", 1)
    .where("email_notifications", "=", 1)
    .execute();

/** Handles one batch inside the consumer's transaction; true if an email was written. */
export async function notifyAgents(
  trx: Transaction<Database>,
  events: LoggedEvent[],
  o: NotifyOptions,
): Promise<boolean> {
  let wrote = false;
  for (const e of events) {
    for (const notice of await noticesOf(trx, e)) {
      if (notice.agentIds.length === 0) continue;
      const agents = await trx
        .selectFrom("agents")
        .select(["id", "email"])
        .where("id", "in", notice.agentIds)
        .where("active", "=", 1)
        .where("email_notifications", "=", 1)
        .execute();
      if (agents.length === 0) continue;
      const online = await o.connected(agents.map((a) => a.id));
      const offline = agents.filter((a) => !online.has(a.id));
      if (offline.length === 0) continue;
      // The conversation may have been erased since the event: nothing to tell then.
      const site = await trx
        .selectFrom("conversations")
        .innerJoin("sites", "sites.id", "conversations.site_id")
        .select(["sites.name", "sites.theme"])
        .where("conversations.id", "=", notice.conversation.id)
        .executeTakeFirst();
      if (!site) continue;
      const look = siteLook(site.name, site.theme);
      const c = notice.conversation;
      const line = notice.line ?? (await messageOf(trx, c, notice.kind === "new" ? "asc" : "desc", look.siteName));
      const content: NoticeContent = {
        ...look,
        headline: headlines[notice.kind],
        about: aboutOf(c),
        line,
        inboxUrl: inboxLink(o.publicUrl, c.id),
      };
      for (const agent of offline) {
        await enqueueEmail(trx, {
          kind: "notification",
          conversationId: c.id,
          recipient: agent.email,
          replyTo: "",
          subject: noticeSubject(content),
          text: noticeText(content),
          html: noticeHtml(content),
          upToSeq: c.lastMessage?.seq ?? 0,
          now: o.now,
          domain: o.domain,
        });
        wrote = true;
      }
    }
  }
  return wrote;
}
