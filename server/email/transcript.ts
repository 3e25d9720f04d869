import { sql } from "kysely";
import { write, type Ctx, type Principal, type Trx } from "../domain/context.ts";
import { conversationRow } from "../domain/conversations.ts";
import { ParleyError } from "../domain/errors.ts";
import { identifyVisitor, visitorPrincipal } from "../domain/visitors.ts";
import type { SiteRow, VisitorRow } from "../store/tables.ts";
import { RateLimitedError } from "../limits/limiters.ts";
import { transcriptHtml, transcriptSubject, transcriptText } from "./compose.ts";
import { contentOf, enqueueEmail, issueReplyToken, mailContext, replyAddress } from "./outbox.ts";

/**
 * The transcript by email (CONTRACT §9, docs/email.md): the whole conversation, to the contact's
 * address, through the outbox (sent once, retried with backoff). Asked for by the visitor from
 * the widget or by the team (inbox, API). So that it cannot be used to flood a mailbox, the
 * outbox itself is the count, on every node: at most `perConversation` transcripts of one
 * conversation an hour and `perRecipient` to one address a day.
 */
export const transcriptLimits = { perConversation: 3, perRecipient: 10 } as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The most messages one transcript carries (the newest); the email says when there were more. */
export const maxTranscriptMessages = 1000;

export async function sendTranscript(ctx: Ctx, p: Principal, conversationId: string): Promise<{ to: string }> {
  await conversationRow(ctx.db, p, conversationId, "conversation.transcript");
  const mail = ctx.mail;
  if (!mail) throw new ParleyError("conflict", "This server sends no email: SMTP_URL is not set");
  const to = await write(ctx, async (trx) => {
    const conv = await mailContext(trx, conversationId);
    const recipient = conv?.email?.trim().toLowerCase();
    if (!conv || !recipient)
      throw new ParleyError("validation_failed", "The conversation's contact has no email address", [
        { path: "email", message: "the contact has no email address" },
      ]);
    const now = ctx.now();
    await holdBack(ctx, trx, conversationId, recipient, now);
    const newest = await trx
      .selectFrom("messages")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("state", "=", "complete")
      .orderBy("seq", "desc")
      .limit(maxTranscriptMessages + 1)
      .execute();
    const messages = newest.slice(0, maxTranscriptMessages).reverse();
    if (messages.length === 0)
      throw new ParleyError("validation_failed", "The conversation has no messages yet", [
        { path: "conversationId", message: "nothing to send yet" },
      ]);
    const content = contentOf(conv, messages);
    if (newest.length > maxTranscriptMessages)
      content.lines.unshift({ from: conv.site_name, at: "", text: "(Earlier messages are left out.)" });
    const token = await issueReplyToken(trx, conversationId, now);
    await enqueueEmail(trx, {
      kind: "transcript",
      conversationId,
      recipient,
      replyTo: replyAddress(token, mail.domain),
      subject: transcriptSubject(content),
      text: transcriptText(content),
      html: transcriptHtml(content),
      upToSeq: Number(messages.at(-1)!.seq),
      now,
      domain: mail.domain,
    });
    return recipient;
  });
  mail.wake();
  return { to };
}

/**
 * The widget's request: the visitor's own conversation; the address it gave is stored on its
 * contact first, only where the contact has none (the same write as the widget's identify).
 */
export async function visitorTranscript(
  ctx: Ctx,
  site: SiteRow,
  visitor: VisitorRow,
  conversationId: string,
  email: string | undefined,
): Promise<{ visitor: VisitorRow; to: string }> {
  const row = await conversationRow(ctx.db, visitorPrincipal(visitor), conversationId, "conversation.transcript");
  if (email) {
    const contact = row.contact_id
      ? await ctx.db.selectFrom("contacts").select("email").where("id", "=", row.contact_id).executeTakeFirst()
      : undefined;
    if (!contact?.email) visitor = (await identifyVisitor(ctx, site, visitor, { email })).visitor;
  }
  return { visitor, ...(await sendTranscript(ctx, visitorPrincipal(visitor), conversationId)) };
}

/** 429 when this conversation or this address had its share of transcripts; counted in the outbox. */
async function holdBack(ctx: Ctx, trx: Trx, conversationId: string, recipient: string, now: string) {
  // PostgreSQL: requests for one address wait for each other here, so two cannot both pass the count.
  if (ctx.dialect === "postgres") await sql`select pg_advisory_xact_lock(8147, hashtext(${recipient}))`.execute(trx);
  const t = Date.parse(now);
  const recent = (column: "conversation_id" | "recipient", value: string, windowMs: number) =>
    trx
      .selectFrom("email_outbox")
      .select("created_at")
      .where("kind", "=", "transcript")
      .where(column, "=", value)
      .where("created_at", ">", new Date(t - windowMs).toISOString())
      .orderBy("created_at")
      .execute();
  const checks = [
    { rows: await recent("conversation_id", conversationId, HOUR), max: transcriptLimits.perConversation, w: HOUR },
    { rows: await recent("recipient", recipient, DAY), max: transcriptLimits.perRecipient, w: DAY },
  ];
  for (const { rows, max, w } of checks) {
    if (rows.length < max) continue;
    const freeAt = Date.parse(rows[rows.length - max]!.created_at) + w;
    throw new RateLimitedError(Math.max(1, Math.ceil((freeAt - t) / 1000)));
  }
}
