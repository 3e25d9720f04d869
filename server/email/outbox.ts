import crypto from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../store/tables.ts";
import { hashToken, newId } from "../domain/secrets.ts";
import { messageLine, renderHtml, renderText, subjectOf, type EmailContent, type EmailLine } from "./compose.ts";

/**
 * The email outbox (docs/email.md). A conversation whose email fell due gets one outbox row with
 * every agent or bot message the visitor has not seen and was not emailed yet; the same
 * transaction records `emailed_seq` and stops the clock, on the condition that nobody else did
 * it first (so two nodes never compose the same email). Sending is a separate step, retried with
 * backoff; each row has a Message-ID of its own, reused by every attempt.
 */

/** The address replies go to: a fresh unguessable token per email, stored only hashed. */
export function replyAddress(token: string, domain: string): string {
  return `reply+${token}@${domain}`;
}

/** Lower-case hex: survives mail systems that fold the case of local parts. */
export const newReplyToken = () => crypto.randomBytes(20).toString("hex");

export async function dueThreads(db: Kysely<Database>, now: string, limit = 50): Promise<string[]> {
  const rows = await db
    .selectFrom("email_threads")
    .select("conversation_id")
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .limit(limit)
    .execute();
  return rows.map((r) => r.conversation_id);
}

/** The soonest moment a clock or a retry falls due, or null. */
export async function nextDue(db: Kysely<Database>): Promise<string | null> {
  const t = await db
    .selectFrom("email_threads")
    .select((eb) => eb.fn.min("due_at").as("at"))
    .executeTakeFirst();
  const o = await db
    .selectFrom("email_outbox")
    .select((eb) => eb.fn.min("next_attempt_at").as("at"))
    .where("status", "=", "pending")
    .executeTakeFirst();
  const all = [t?.at, o?.at].filter((x): x is string => typeof x === "string");
  return all.length ? all.sort()[0]! : null;
}

/** Composes the due email of one conversation into the outbox; true if one was written. */
export async function composeDue(
  db: Kysely<Database>,
  conversationId: string,
  now: string,
  o: { domain: string; from: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const thread = await trx
      .selectFrom("email_threads")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .executeTakeFirst();
    if (!thread || thread.due_at === null || thread.due_at > now) return false;
    const conv = await mailContext(trx, conversationId);
    const after = Math.max(Number(thread.emailed_seq), Number(conv?.read_contact ?? 0));
    const messages = conv
      ? await trx
          .selectFrom("messages")
          .selectAll()
          .where("conversation_id", "=", conversationId)
          .where("seq", ">", after)
          .where("sender_type", "in", ["agent", "bot"])
          .where("state", "=", "complete")
          .orderBy("seq")
          .execute()
      : [];
    // Stop the clock, only if it is still the clock this node read (else another node did it).
    // Without an address nothing counts as emailed: a later clock still sends these messages.
    const send = !!conv?.email && messages.length > 0;
    const upTo = send ? Number(messages.at(-1)!.seq) : Number(thread.emailed_seq);
    const stopped = await trx
      .updateTable("email_threads")
      .set({ due_at: null, emailed_seq: upTo, updated_at: now })
      .where("conversation_id", "=", conversationId)
      .where("due_at", "=", thread.due_at)
      .where("emailed_seq", "=", thread.emailed_seq)
      .executeTakeFirst();
    if (Number(stopped.numUpdatedRows) !== 1 || !send || !conv?.email) return false;
    const content = contentOf(conv, messages);
    const token = await issueReplyToken(trx, conversationId, now);
    await enqueueEmail(trx, {
      kind: "unseen",
      conversationId,
      recipient: conv.email,
      replyTo: replyAddress(token, o.domain),
      subject: subjectOf(content),
      text: renderText(content),
      html: renderHtml(content),
      upToSeq: upTo,
      now,
      domain: o.domain,
    });
    return true;
  });
}

/** What every email of a conversation is made from: its site, contact address and page. */
export function mailContext(trx: Transaction<Database>, conversationId: string) {
  return trx
    .selectFrom("conversations")
    .innerJoin("sites", "sites.id", "conversations.site_id")
    .leftJoin("contacts", "contacts.id", "conversations.contact_id")
    .select([
      "conversations.read_contact",
      "conversations.metadata",
      "conversations.visitor_context",
      "sites.name as site_name",
      "sites.theme",
      "contacts.email",
    ])
    .where("conversations.id", "=", conversationId)
    .executeTakeFirst();
}
type MailContext = NonNullable<Awaited<ReturnType<typeof mailContext>>>;

/** The email's content: the site's look, the page to continue on, the messages as lines. */
export function contentOf(conv: MailContext, messages: Database["messages"][]): EmailContent {
  return {
    ...siteLook(conv.site_name, conv.theme),
    pageUrl: pageUrlOf(parse(conv.visitor_context ?? "{}"), parse(conv.metadata)),
    lines: messages.map((m) => lineOf(m, conv.site_name)),
  };
}

/** The site's name and colour, as every email shows them. */
export function siteLook(siteName: string, theme: string): { siteName: string; colour: string } {
  const t = parse(theme);
  return { siteName, colour: typeof t.primaryColor === "string" ? t.primaryColor : "#2563eb" };
}

/** A stored message as an email line. */
export function lineOf(m: Database["messages"], siteName: string): EmailLine {
  return messageLine({ type: m.sender_type, name: m.sender_name }, siteName, m.type, parse(m.content), m.created_at);
}

/** A fresh reply token bound to the conversation, stored hashed; the caller puts it in Reply-To. */
export async function issueReplyToken(trx: Transaction<Database>, conversationId: string, now: string) {
  const token = newReplyToken();
  await trx
    .insertInto("email_reply_tokens")
    .values({ token_hash: hashToken(token), conversation_id: conversationId, created_at: now })
    .execute();
  return token;
}

/** One email into the outbox, pending from `now`, with a Message-ID of its own. */
export async function enqueueEmail(
  trx: Transaction<Database>,
  e: {
    kind: "unseen" | "transcript" | "notification";
    conversationId: string;
    recipient: string;
    replyTo: string;
    subject: string;
    text: string;
    html: string;
    upToSeq: number;
    now: string;
    domain: string;
  },
): Promise<string> {
  const id = newId("event").replace(/^evt_/, "eml_");
  await trx
    .insertInto("email_outbox")
    .values({
      id,
      conversation_id: e.conversationId,
      message_id: `<${id}.${e.upToSeq}@${e.domain}>`,
      recipient: e.recipient,
      reply_to: e.replyTo,
      subject: e.subject,
      text: e.text,
      html: e.html,
      up_to_seq: e.upToSeq,
      kind: e.kind,
      status: "pending",
      attempts: 0,
      next_attempt_at: e.now,
      last_error: null,
      created_at: e.now,
      sent_at: null,
    })
    .execute();
  return id;
}

/**
 * The page to continue on: the last page the widget saw the visitor on (the conversation's
 * `visitor.currentUrl`, as agents see it), else a URL an integration put in the metadata.
 */
export function pageUrlOf(visitor: Record<string, unknown>, metadata: Record<string, unknown>): string | null {
  const page = metadata.page as Record<string, unknown> | undefined;
  const candidates = [visitor.currentUrl, metadata.pageUrl, metadata.url, page?.url];
  const url = candidates.find((u): u is string => typeof u === "string" && /^https?:\/\//i.test(u));
  return url ?? null;
}

export function parse(s: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export type OutboxRow = Database["email_outbox"];

/**
 * Claims one due outbox row for an attempt: pushes its next attempt out by `leaseMs` (a node that
 * dies mid-send leaves it to be tried again after that) and counts the attempt. Null: none due.
 */
export async function claimNext(db: Kysely<Database>, now: Date, leaseMs: number): Promise<OutboxRow | null> {
  const due = await db
    .selectFrom("email_outbox")
    .selectAll()
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now.toISOString())
    .orderBy("next_attempt_at")
    .limit(1)
    .executeTakeFirst();
  if (!due) return null;
  const claimed = await db
    .updateTable("email_outbox")
    .set({ next_attempt_at: new Date(now.getTime() + leaseMs).toISOString(), attempts: Number(due.attempts) + 1 })
    .where("id", "=", due.id)
    .where("status", "=", "pending")
    .where("next_attempt_at", "=", due.next_attempt_at)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1 ? { ...due, attempts: Number(due.attempts) + 1 } : null;
}

/** After a confirmed send: the reply token and body are no longer kept. */
export async function markSent(db: Kysely<Database>, id: string, now: string): Promise<void> {
  await db
    .updateTable("email_outbox")
    .set({ status: "sent", sent_at: now, reply_to: "", text: "", html: "", last_error: null })
    .where("id", "=", id)
    .execute();
}

export async function markFailed(
  db: Kysely<Database>,
  id: string,
  error: string,
  retryAt: string | null,
): Promise<void> {
  await db
    .updateTable("email_outbox")
    .set(retryAt ? { next_attempt_at: retryAt, last_error: error } : { status: "failed", last_error: error })
    .where("id", "=", id)
    .execute();
}
